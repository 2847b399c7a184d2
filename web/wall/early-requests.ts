declare global {
  interface Window {
    /** API requests wall.html's body sent before any module loaded (the grid figures), each taken once. */
    gridscopeEarly?: { url: string; response: Promise<Response> }[];
  }
}

/**
 * The response to a request the page sent early for exactly `url`, handed
 * over once (a later refresh asks anew); undefined if none was sent.
 */
export function takeEarly(url: string): Promise<Response> | undefined {
  const early = window.gridscopeEarly;
  const i = early?.findIndex((e) => e.url === url) ?? -1;
  if (i < 0) return undefined;
  return early!.splice(i, 1)[0]!.response;
}
