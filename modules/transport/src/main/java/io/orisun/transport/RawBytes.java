package io.orisun.transport;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** A gRPC marshaller that passes a message's bytes as they are, for calls whose messages are encoded elsewhere. */
public final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {

    public static final RawBytes MARSHALLER = new RawBytes();

    private RawBytes() {
    }

    @Override
    public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
