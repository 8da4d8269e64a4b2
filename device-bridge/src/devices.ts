// The configured devices and how an incoming message finds its device: by MAC, IP, serial, MQTT topic, code.
import type { DeviceConfig } from './config.js';

export function normMac(mac: string): string {
  return mac.toLowerCase().replace(/[^0-9a-f]/g, '');
}

export function normIp(ip: string | undefined): string {
  if (!ip) return '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

export class DeviceRegistry {
  private readonly byCode = new Map<string, DeviceConfig>();
  private readonly byIp = new Map<string, DeviceConfig>();
  private readonly byMac = new Map<string, DeviceConfig>();
  private readonly bySerial = new Map<string, DeviceConfig>();
  private readonly byTopic = new Map<string, DeviceConfig>();

  constructor(readonly devices: DeviceConfig[]) {
    for (const d of devices) {
      this.byCode.set(d.code, d);
      for (const ip of d.match.ip) this.byIp.set(normIp(ip), d);
      for (const mac of d.match.mac) this.byMac.set(normMac(mac), d);
      for (const s of d.match.serial) this.bySerial.set(s, d);
      for (const t of d.match.topic) this.byTopic.set(t, d);
    }
  }

  code(code: string): DeviceConfig | undefined {
    return this.byCode.get(code);
  }

  topic(topic: string): DeviceConfig | undefined {
    return this.byTopic.get(topic);
  }

  /** Find the device a vendor payload speaks for: MAC first, then serial, then the address in the payload. */
  match(fields: { mac?: unknown; ip?: unknown; serial?: unknown }): DeviceConfig | undefined {
    if (typeof fields.mac === 'string' && fields.mac) {
      const d = this.byMac.get(normMac(fields.mac));
      if (d) return d;
    }
    if (typeof fields.serial === 'string' && fields.serial) {
      const d = this.bySerial.get(fields.serial);
      if (d) return d;
    }
    if (typeof fields.ip === 'string' && fields.ip) {
      const d = this.byIp.get(normIp(fields.ip));
      if (d) return d;
    }
    return undefined;
  }

  sourceIp(ip: string | undefined): DeviceConfig | undefined {
    return this.byIp.get(normIp(ip));
  }

  byUsername(username: string): DeviceConfig | undefined {
    return this.devices.find((d) => d.http?.username === username);
  }
}
