// Calls to the chat APIs, with the one distinction delivery safety rests on: was the request surely NOT
// sent (the connection was refused: safe to retry), or may it have arrived (a timeout, a reset: retrying
// could send it twice)?
export type CallResult =
  | { kind: 'answer'; status: number; body: Record<string, unknown> }
  /** the request never left: retrying cannot duplicate it */
  | { kind: 'not_sent'; error: string }
  /** it may have arrived: only a human or a read receipt can tell */
  | { kind: 'uncertain'; error: string };

const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
]);

function codeOf(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.cause?.code ?? e?.code ?? (err instanceof Error ? err.name : 'error');
}

export async function callJson(
  url: string | URL,
  init: { method: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string>; timeoutMs?: number },
): Promise<CallResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method,
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.headers ?? {}),
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const code = codeOf(err);
    return NOT_SENT.has(code) ? { kind: 'not_sent', error: code } : { kind: 'uncertain', error: code };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    return { kind: 'uncertain', error: codeOf(err) };
  }
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { raw: text.slice(0, 200) };
  }
  return { kind: 'answer', status: res.status, body };
}
