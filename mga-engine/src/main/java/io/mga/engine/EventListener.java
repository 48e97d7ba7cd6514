package io.mga.engine;

/**
 * Receives a role's events, on the role's thread (the one listener shape of every role). Keep it quick: the role
 * waits for it.
 *
 * @param <E> the role's event type
 */
@FunctionalInterface
public interface EventListener<E extends RoleEvent> {
    /**
     * One event.
     *
     * @param event what happened
     */
    void onEvent(E event);
}
