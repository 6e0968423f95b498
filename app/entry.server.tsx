import { Transform } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { RequestLocale } from "./i18n";

const ABORT_DELAY = 5_000;

/**
 * React 18's server renderer (renderToPipeableStream) writes through a 2,048-byte buffer, and when a
 * character of two or more bytes does not fit in what is left of it, it sends the whole buffer with the
 * unused bytes still zero: a NUL inside a word at every such edge. Cyrillic is two bytes a letter, so
 * nearly every Russian page had one ("Произ\0ходит"), and Estonian ones now and then. UTF-8 never holds a
 * zero byte inside a character and HTML never holds a NUL, so every zero byte is one of those, and goes.
 */
function withoutNulBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!chunk.includes(0)) return done(null, chunk);
      done(
        null,
        chunk.filter((byte) => byte !== 0),
      );
    },
  });
}

/** Server rendering with the request's CSP nonce on every inline script Remix emits. */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce || undefined;
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const page = (
      <RequestLocale.Provider value={loadContext.locale}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </RequestLocale.Provider>
    );
    const { pipe, abort } = renderToPipeableStream(page, {
      nonce,
      [waitForAll ? "onAllReady" : "onShellReady"]() {
        shellRendered = true;
        const body = withoutNulBytes();
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        if (shellRendered) console.error(error);
      },
    });
    setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * Errors thrown by loaders and actions (not Responses they throw on purpose) are logged for the operator;
 * the person sees the error page, never the error.
 */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  console.error(`[remix] ${request.method} ${new URL(request.url).pathname}:`, error);
}
