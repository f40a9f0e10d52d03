import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

interface ParserError extends Error {
  code?: string;
  bytesParsed?: number;
  rawPacket?: Buffer;
}

/** Backstage's error names (http-errors' spelling) for what Node's parser refuses. */
const ERROR_NAMES: Record<number, string> = {
  400: 'InputError',
  408: 'RequestTimeoutError',
  413: 'PayloadTooLargeError',
  414: 'URITooLongError',
  431: 'RequestHeaderFieldsTooLargeError',
};

// Long enough for a client to finish writing a request it had started and read the answer.
const LINGER_MS = 2000;

/**
 * Whether the request line was complete when the header limit was hit: Node applies one limit
 * (`--max-http-header-size`, 16 KiB) to the request line and the headers together. The chunk
 * being parsed tells: a line break before the failure means the headers overflowed; none, in
 * a chunk that starts the request, means the URL did.
 */
function requestLineTooLong(error: ParserError): boolean {
  const packet = error.rawPacket;
  if (!Buffer.isBuffer(packet)) return false;
  const parsed = packet.subarray(0, error.bytesParsed ?? packet.length);
  return !parsed.includes(0x0a) && /^[A-Z]+ /.test(parsed.subarray(0, 16).toString('latin1'));
}

function statusFor(error: ParserError): number | undefined {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined;
    case 'HPE_HEADER_OVERFLOW':
      return requestLineTooLong(error) ? 414 : 431;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    default:
      return 400;
  }
}

function messageFor(status: number): string {
  if (status === 414) return 'Request line longer than the server accepts (16 KiB with the headers)';
  if (status === 431) return 'Request headers larger than the server accepts (16 KiB with the request line)';
  return `${STATUS_CODES[status] ?? 'Bad Request'}: the request could not be parsed`;
}

/**
 * Requests Node's HTTP parser refuses (an oversized URL or headers, malformed syntax) are
 * answered with a status and Backstage's error body instead of Node's default, which writes a
 * bare status line and destroys the socket at once: a client still sending its request then
 * sees a connection reset rather than the answer. The socket is half-closed after the answer
 * and drained for a moment, so the answer arrives.
 */
export function answerUnparsableRequests(server: Server): void {
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (error: ParserError, socket: Duplex) => {
    // The parser reports every later chunk of a refused request again.
    if (answered.has(socket)) return;
    answered.add(socket);
    const status = statusFor(error);
    if (status === undefined || !socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error: { name: ERROR_NAMES[status] ?? 'InputError', message: messageFor(status) }, response: { statusCode: status } });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    socket.resume();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}
