package io.orisun.transport;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The socket writer of one HTTP/2 connection, which lets a streaming handler send many frames in one socket write.
 *
 * <p>Helidon writes every HTTP/2 frame with its own socket write, so a stream of small messages costs one system
 * call per message. Inside {@link #batched(Runnable)}, the frames written by that thread are held in a buffer of at
 * most {@value #LIMIT} bytes, and go out together when the buffer is full, when the handler calls {@link #flush()}
 * (it does before it waits for anything), when any other write comes (a frame of another stream, or of the
 * connection), and at the latest {@value #LINGER_MILLIS} ms after the first of them: so held frames never wait on
 * something that waits for them, such as a window update the client sends once it has read them. The bytes on the
 * wire, and their order, are the same as without the buffer.
 */
public final class CoalescingWriter implements DataWriter {

    static final int LIMIT = 32 * 1024;
    private static final System.Logger LOG = System.getLogger(CoalescingWriter.class.getName());
    static final long LINGER_MILLIS = 2;

    private static final ThreadLocal<Batch> BATCH = new ThreadLocal<>();
    private static final ScheduledExecutorService LINGER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("orisun-write-linger").daemon().factory());

    private final DataWriter socket;
    private final EndedStreams ended;
    private final long lingerMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] held = new byte[LIMIT];
    private int heldBytes;
    private boolean lingering;

    CoalescingWriter(DataWriter socket) {
        this(socket, new EndedStreams());
    }

    /** Also tells {@code ended} which streams the frames written end. */
    CoalescingWriter(DataWriter socket, EndedStreams ended) {
        this(socket, ended, LINGER_MILLIS);
    }

    /**
     * As {@link #CoalescingWriter(DataWriter, EndedStreams)}, with held bytes sent by themselves after
     * {@code lingerMillis} instead of {@value #LINGER_MILLIS} ms: a test that checks what is held until a flush sets
     * it far beyond its own run time, so that a slow moment of the machine cannot send them early.
     */
    CoalescingWriter(DataWriter socket, EndedStreams ended, long lingerMillis) {
        this.socket = socket;
        this.ended = ended;
        this.lingerMillis = lingerMillis;
    }

    /** Runs {@code body} with this thread's frames held back as described above, and sends what is left at the end. */
    public static void batched(Runnable body) {
        Batch batch = new Batch();
        BATCH.set(batch);
        try {
            body.run();
        } finally {
            BATCH.remove();
            batch.flush();
        }
    }

    /** Sends the frames this thread holds back, if any. */
    public static void flushBatch() {
        Batch batch = BATCH.get();
        if (batch != null) {
            batch.flush();
        }
    }

    @Override
    public void write(BufferData... buffers) {
        writeNow(buffers);
    }

    @Override
    public void write(BufferData buffer) {
        writeNow(buffer);
    }

    @Override
    public void writeNow(BufferData... buffers) {
        lock.lock();
        try {
            for (BufferData buffer : buffers) {
                writeNow(buffer);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void writeNow(BufferData buffer) {
        ended.scan(buffer);
        Batch batch = BATCH.get();
        lock.lock();
        try {
            if (batch == null) {
                if (heldBytes == 0) {
                    socket.writeNow(buffer);
                    return;
                }
                if (!hold(buffer)) {
                    sendHeld();
                    socket.writeNow(buffer);
                    return;
                }
                sendHeld();
                return;
            }
            if (!hold(buffer)) {
                sendHeld();
                if (!hold(buffer)) {
                    socket.writeNow(buffer);
                    return;
                }
            }
            batch.writer = this;
            if (!lingering) {
                lingering = true;
                LINGER.schedule(() -> Thread.startVirtualThread(this::flushLingering), lingerMillis,
                        TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
        lock.lock();
        try {
            lingering = false;
            if (heldBytes > 0) {
                sendHeld();
            }
            socket.flush();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        flush();
    }

    private void flushLingering() {
        try {
            flush();
        } catch (RuntimeException e) {
            // The connection failed: its reader and the streams' own writes report it and close it.
            LOG.log(System.Logger.Level.DEBUG, "held HTTP/2 frames could not be sent", e);
        }
    }

    /** Copies {@code buffer} into the held bytes when it fits, and says whether it did. */
    private boolean hold(BufferData buffer) {
        int length = buffer.available();
        if (length > LIMIT - heldBytes) {
            return false;
        }
        buffer.read(held, heldBytes, length);
        heldBytes += length;
        return true;
    }

    private void sendHeld() {
        int length = heldBytes;
        heldBytes = 0;
        // The socket copies the bytes before it returns, so the array can be filled again afterwards.
        socket.writeNow(BufferData.create(held, 0, length));
    }

    /** The writer a thread holds frames in, if any. */
    private static final class Batch {

        private CoalescingWriter writer;

        void flush() {
            CoalescingWriter held = writer;
            if (held != null) {
                writer = null;
                held.flush();
            }
        }
    }
}
