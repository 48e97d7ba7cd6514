/**
 * The Mobile IPv6 layer every role shares (RFC 6275, RFC 4285): the one receive front-end ({@code Inbound}: classify
 * with the flyweight, decode once, the §9.2 checks), what every node answers on its own address
 * ({@code NodeAnswers}: Binding Error 2, Parameter Problem, Echo Reply, rate-limited), a Binding Update parsed once ({@code BindingUpdateView}), the
 * one sender that builds, signs and sends BU/BA/BRR/BE ({@code MobilitySender}), the return-routability
 * authenticator signed and verified in one place ({@code RrAuthenticator}), replay protection for both sides
 * ({@code ReplayGuard}, {@code ReplayClock}), sequence arithmetic and lifetime units. Internal: not exported.
 * Uses {@code io.mga.api}, {@code io.mga.wire} and {@code io.mga.engine.crypto}; no role, no façade.
 */
package io.mga.engine.mobility;
