package io.orderrelay.security;

/** A sealed value that cannot be opened. The message never contains the value or a key. */
public class SecretBoxException extends RuntimeException {

    public SecretBoxException(String message) {
        super(message);
    }
}
