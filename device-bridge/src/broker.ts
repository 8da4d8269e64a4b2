// An embedded MQTT broker (aedes, in-memory) for `npm start` and tests. Production points MQTT_URL at Mosquitto or
// EMQX instead. Default port 1884 so it never clashes with a system Mosquitto on 1883.
import net from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(
  opts: { port?: number; host?: string } = {},
): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 1884, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `mqtt://${host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
