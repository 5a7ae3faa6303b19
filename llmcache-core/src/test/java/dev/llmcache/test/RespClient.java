package dev.llmcache.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A tiny, dependency-free RESP2 client for test set-up and assertions: one connection
 * per call, optional {@code AUTH}, one command, the reply rendered as text. Works the
 * same against a process-backed and a container-backed Redis.
 *
 * <p>
 * Reply rendering: simple strings, bulk strings and integers as their text; a nil
 * reply as {@code null}; arrays as their (recursively rendered) elements joined with
 * {@code '\n'}, nil elements as the empty string. An error reply throws
 * {@link RedisErrorReplyException}. I/O problems (connection refused, socket timeout)
 * throw {@link UncheckedIOException} whose cause is the original exception (e.g.
 * {@link java.net.ConnectException}, {@link java.net.SocketTimeoutException}).
 */
public final class RespClient {

	private RespClient() {
	}

	/**
	 * Runs one command.
	 * @param host the Redis host
	 * @param port the Redis port
	 * @param password sent with {@code AUTH} first when not {@code null}
	 * @param timeout connect and read timeout
	 * @param args the command and its arguments, encoded as UTF-8
	 * @return the reply as text, {@code null} for a nil reply
	 */
	public static @Nullable String call(String host, int port, @Nullable String password, Duration timeout,
			String... args) {
		if (args.length == 0) {
			throw new IllegalArgumentException("No command given");
		}
		int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
		try (Socket socket = new Socket()) {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(millis);
			socket.connect(new InetSocketAddress(host, port), millis);
			OutputStream out = socket.getOutputStream();
			InputStream in = new BufferedInputStream(socket.getInputStream());
			if (password != null) {
				write(out, new String[] { "AUTH", password });
				read(in);
			}
			write(out, args);
			return read(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis command " + args[0] + " to " + host + ":" + port + " failed: " + ex,
					ex);
		}
	}

	private static void write(OutputStream out, String[] args) throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		buffer.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			buffer.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			buffer.writeBytes(bytes);
			buffer.writeBytes(new byte[] { '\r', '\n' });
		}
		out.write(buffer.toByteArray());
		out.flush();
	}

	private static @Nullable String read(InputStream in) throws IOException {
		int type = in.read();
		if (type < 0) {
			throw new EOFException("Connection closed by Redis");
		}
		String line = readLine(in);
		switch (type) {
			case '+':
			case ':':
				return line;
			case '-':
				throw new RedisErrorReplyException(line);
			case '$': {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] bytes = in.readNBytes(length + 2);
				if (bytes.length < length + 2) {
					throw new EOFException("Truncated bulk reply");
				}
				return new String(bytes, 0, length, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<String> items = new ArrayList<>(count);
				RedisErrorReplyException error = null;
				for (int i = 0; i < count; i++) {
					try {
						String item = read(in);
						items.add(item != null ? item : "");
					}
					catch (RedisErrorReplyException ex) {
						// keep reading so the stream stays consistent, report the first error
						error = (error != null) ? error : ex;
					}
				}
				if (error != null) {
					throw error;
				}
				return String.join("\n", items);
			}
			default:
				throw new IOException("Unexpected RESP type '" + (char) type + "'");
		}
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("Connection closed by Redis");
			}
			if (previous == '\r' && b == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(b);
			previous = b;
		}
	}

	/**
	 * An error reply ({@code -ERR ...}, {@code -NOAUTH ...}, {@code -OOM ...}) from
	 * Redis. The message is the reply text without the leading {@code '-'}.
	 */
	public static final class RedisErrorReplyException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public RedisErrorReplyException(String message) {
			super(message);
		}

	}

}
