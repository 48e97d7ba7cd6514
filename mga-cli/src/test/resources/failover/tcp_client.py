"""An unmodified client opening a new TCP connection to the anycast address every 20 ms (Debian's python3).

Each attempt runs in its own thread: connect (timeout 3 s, so that SYN retransmissions count), GET /who, read the
answer ("ar1" or "ar2"). For every answer it prints "<start_ns> <end_ns> <who>" on CLOCK_MONOTONIC
(time.monotonic_ns), the clock the Java test reads with System.nanoTime(). Runs until stdin closes; at most 200
attempts in flight.
"""
import socket
import sys
import threading
import time

host, port = sys.argv[1], int(sys.argv[2])
lock = threading.Lock()
inflight = threading.Semaphore(200)


def attempt():
    start = time.monotonic_ns()
    try:
        with socket.create_connection((host, port), timeout=3) as s:
            s.sendall(b"GET /who HTTP/1.0\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
                if len(data) > 65536:
                    break
        body = data.split(b"\r\n\r\n", 1)[-1].strip().decode("ascii", "replace")
        if body in ("ar1", "ar2"):
            with lock:
                print(start, time.monotonic_ns(), body, flush=True)
    except OSError:
        pass
    finally:
        inflight.release()


def stop_on_eof():
    sys.stdin.read()
    os_exit()


def os_exit():
    import os
    os._exit(0)


threading.Thread(target=stop_on_eof, daemon=True).start()
while True:
    inflight.acquire()
    threading.Thread(target=attempt, daemon=True).start()
    time.sleep(0.02)
