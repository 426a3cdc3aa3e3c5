package io.orisun.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal client of PgBouncer's admin console, which speaks only the simple query protocol and rejects the
 * {@code SET} that pgjdbc sends to servers it takes for older than 9.0 (as it takes PgBouncer). It logs in with
 * trust, cleartext or md5 authentication and runs one {@code SHOW} command.
 */
final class AdminConsole {

    private AdminConsole() {
    }

    /** Runs {@code command} on the {@code pgbouncer} database and returns its rows as column-to-text maps. */
    static List<Map<String, String>> query(String host, int port, String user, String password, String command) {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(10_000);
            // Buffered, so that each message leaves in one write: PgBouncer rejects a start-up packet that arrives
            // in pieces ("partial pkt in startup phase").
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            byte[] startup = ("user\0" + user + "\0database\0pgbouncer\0\0").getBytes(StandardCharsets.UTF_8);
            out.writeInt(8 + startup.length);
            out.writeInt(196_608);
            out.write(startup);
            out.flush();
            List<String> columns = new ArrayList<>();
            List<Map<String, String>> rows = new ArrayList<>();
            boolean queried = false;
            while (true) {
                char type = (char) in.readUnsignedByte();
                byte[] body = new byte[in.readInt() - 4];
                in.readFully(body);
                switch (type) {
                    case 'R' -> authenticate(out, body, user, password);
                    case 'E' -> throw new IllegalStateException("pgbouncer admin console: " + errorText(body));
                    case 'T' -> columns.addAll(columnNames(body));
                    case 'D' -> rows.add(row(body, columns));
                    case 'Z' -> {
                        if (queried) {
                            out.writeByte('X');
                            out.writeInt(4);
                            out.flush();
                            return rows;
                        }
                        byte[] sql = (command + "\0").getBytes(StandardCharsets.UTF_8);
                        out.writeByte('Q');
                        out.writeInt(4 + sql.length);
                        out.write(sql);
                        out.flush();
                        queried = true;
                    }
                    default -> {
                        // parameter status, backend key data, command complete, notices: not needed here
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not query the pgbouncer admin console on port " + port, e);
        }
    }

    private static void authenticate(DataOutputStream out, byte[] body, String user, String password) throws IOException {
        int method = ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
        String response;
        switch (method) {
            case 0 -> {
                return;
            }
            case 3 -> response = password;
            case 5 -> {
                byte[] salt = java.util.Arrays.copyOfRange(body, 4, 8);
                String inner = md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
                byte[] outer = concat(inner.getBytes(StandardCharsets.US_ASCII), salt);
                response = "md5" + md5Hex(outer);
            }
            default -> throw new IllegalStateException("pgbouncer asked for authentication method " + method);
        }
        byte[] message = (response + "\0").getBytes(StandardCharsets.UTF_8);
        out.writeByte('p');
        out.writeInt(4 + message.length);
        out.write(message);
        out.flush();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> columnNames(byte[] body) {
        int count = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        List<String> names = new ArrayList<>();
        int at = 2;
        for (int i = 0; i < count; i++) {
            int end = at;
            while (body[end] != 0) {
                end++;
            }
            names.add(new String(body, at, end - at, StandardCharsets.UTF_8));
            at = end + 1 + 18;
        }
        return names;
    }

    private static Map<String, String> row(byte[] body, List<String> columns) {
        int count = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        Map<String, String> row = new LinkedHashMap<>();
        int at = 2;
        for (int i = 0; i < count; i++) {
            int length = ((body[at] & 0xff) << 24) | ((body[at + 1] & 0xff) << 16) | ((body[at + 2] & 0xff) << 8)
                    | (body[at + 3] & 0xff);
            at += 4;
            if (length >= 0) {
                row.put(columns.get(i), new String(body, at, length, StandardCharsets.UTF_8));
                at += length;
            }
        }
        return row;
    }

    private static String errorText(byte[] body) {
        StringBuilder text = new StringBuilder();
        int at = 0;
        while (at < body.length && body[at] != 0) {
            char field = (char) body[at++];
            int end = at;
            while (body[end] != 0) {
                end++;
            }
            if (field == 'M' || field == 'C') {
                text.append(field == 'C' ? "SQLSTATE " : "").append(new String(body, at, end - at, StandardCharsets.UTF_8))
                        .append(' ');
            }
            at = end + 1;
        }
        return text.toString().strip();
    }
}
