package io.orisun.transport;

import io.helidon.http.http2.FlowControl;
import io.helidon.http.http2.Http2Flag;
import io.helidon.http.http2.Http2FrameData;
import io.helidon.http.http2.Http2FrameHeader;
import io.helidon.http.http2.Http2Headers;
import io.helidon.http.http2.Http2StreamWriter;
import java.util.concurrent.locks.Lock;

/**
 * The frame writer a gRPC stream gets, which never sends more DATA than the client's connection window allows.
 *
 * <p>Helidon 4.5's {@code Http2ConnectionWriter.writeData} checks the stream's and the connection's send windows
 * ({@code flowControl.cut}), writes the frame, and only then takes its length off both windows, with no lock across
 * the three steps. Streams of one connection write from their own threads, so with hundreds of busy streams several
 * see the same remaining connection window and all spend it: the server overdraws the window the client granted,
 * the window goes negative, and on the client's next connection-level WINDOW_UPDATE Helidon finds it below zero and
 * ends the connection with {@code GOAWAY(FLOW_CONTROL_ERROR, "Window size too big.")}, failing every call on it.
 *
 * <p>This writer does the same three steps under one lock per connection, so that the window each stream sees is
 * the window left by the others. Waiting for a window update happens outside the lock, as in Helidon, so one stream
 * whose own window is spent does not hold back the others. Frames other than DATA pass straight to Helidon's writer.
 * Retire it when Helidon decrements the window atomically with the check (see {@code docs/contributors/helidon-workarounds.md}).
 */
record ConnectionWindowWriter(Http2StreamWriter connection, Lock window) implements Http2StreamWriter {

    @Override
    public void write(Http2FrameData frame) {
        connection.write(frame);
    }

    @Override
    public void writeData(Http2FrameData frame, FlowControl.Outbound flowControl) {
        for (Http2FrameData part : frame.split(flowControl.maxFrameSize())) {
            writeWithinWindow(part, flowControl);
        }
    }

    @Override
    public int writeHeaders(Http2Headers headers, int streamId, Http2Flag.HeaderFlags flags,
                            FlowControl.Outbound flowControl) {
        return connection.writeHeaders(headers, streamId, flags, flowControl);
    }

    @Override
    public int writeHeaders(Http2Headers headers, int streamId, Http2Flag.HeaderFlags flags, Http2FrameData dataFrame,
                            FlowControl.Outbound flowControl) {
        int written = connection.writeHeaders(headers, streamId, flags, flowControl);
        writeData(dataFrame, flowControl);
        return written + dataFrame.header().length() + Http2FrameHeader.LENGTH;
    }

    /** Sends {@code frame}, in pieces as the windows allow, waiting for window updates between them. */
    private void writeWithinWindow(Http2FrameData frame, FlowControl.Outbound flowControl) {
        Http2FrameData rest = frame;
        while (rest != null) {
            Http2FrameData sendable;
            window.lock();
            try {
                // A window below zero (a client may shrink the streams' windows with SETTINGS) means nothing may be
                // sent yet; Helidon's cut would fail on it.
                Http2FrameData[] cut = rest.header().length() > 0 && flowControl.getRemainingWindowSize() < 1
                        ? new Http2FrameData[0] : flowControl.cut(rest);
                sendable = cut.length == 0 ? null : cut[0];
                if (sendable != null) {
                    connection.write(sendable);
                    flowControl.decrementWindowSize(sendable.header().length());
                }
                rest = switch (cut.length) {
                    case 0 -> rest;
                    case 1 -> null;
                    default -> cut[1];
                };
            } finally {
                window.unlock();
            }
            if (rest != null) {
                flowControl.blockTillUpdate();
            }
        }
    }
}
