// A WebSocket client of /ws for the notification tests: collects messages and waits for them.
import { WebSocket } from 'ws';

export interface Msg {
  type: string;
  item?: { seq: number; title: string };
  since?: number;
  lastSeq?: number;
}

export interface SocketClient {
  ws: WebSocket;
  messages: Msg[];
  /** waits until `n` notifications have arrived in total */
  notifications(n: number): Promise<number[]>;
  next(type: string): Promise<Msg>;
}

export async function connect(url: string, token: string, since?: number): Promise<SocketClient> {
  const ws = new WebSocket(
    `${url.replace(/^http/, 'ws')}/ws?token=${token}${since !== undefined ? `&since=${since}` : ''}`,
  );
  const messages: Msg[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Msg);
    wake?.();
  });
  const waitFor = async <T>(check: () => T | undefined, what: string): Promise<T> => {
    const until = Date.now() + 20_000;
    for (;;) {
      const v = check();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(messages)}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  };
  const client: SocketClient = {
    ws,
    messages,
    notifications: (n) =>
      waitFor(() => {
        const seqs = messages.filter((m) => m.type === 'notification').map((m) => m.item!.seq);
        return seqs.length >= n ? seqs : undefined;
      }, `${n} notifications`),
    next: (type) =>
      waitFor(() => {
        const i = messages.findIndex((m) => m.type === type);
        return i >= 0 ? messages.splice(i, 1)[0] : undefined;
      }, type),
  };
  await client.next('ready');
  return client;
}
