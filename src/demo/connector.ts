import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

/**
 * A stand-in for the Yva EWS/AD connectors: it builds Mails and Users payloads the way the
 * connector does (10 messages a call, Cyrillic names included) and posts them with its
 * AuthToken, retrying when the receiver answers 503 (as the connector honours back-off).
 */
const PEOPLE = [
  { displayName: 'Иван Петров', address: 'ivan.petrov@example.ru' },
  { displayName: 'Anna Schmidt', address: 'anna.schmidt@example.com' },
  { displayName: 'Mateo García', address: 'mateo.garcia@example.es' },
  { displayName: 'Ольга Смирнова', address: 'olga.smirnova@example.ru' },
  { displayName: 'Chen Wei', address: 'chen.wei@example.com' },
];
const SUBJECTS = ['Quarterly report', 'Отчёт за квартал', 'Invoice 2231', 'Встреча в пятницу', 'Re: access request', 'Weekly sync notes'];

export function mailsPayload(owner: string, batch: number, size: number, baseMs: number): Record<string, unknown> {
  const messages = Array.from({ length: size }, (_, i) => {
    const n = batch * size + i;
    const sent = n % 2 === 0;
    const peer = PEOPLE[n % PEOPLE.length]!;
    const at = new Date(baseMs - n * 60_000).toISOString();
    return {
      id: `AAMkAD-demo-${owner}-${n}`,
      sentAt: at,
      receivedAt: sent ? null : at,
      from: sent ? { displayName: 'Mailbox Owner', address: owner } : peer,
      to: sent ? [peer] : [{ displayName: 'Mailbox Owner', address: owner }],
      cc: n % 3 === 0 ? [PEOPLE[(n + 1) % PEOPLE.length]] : [],
      bcc: null,
      importance: (['low', 'normal', 'high'] as const)[n % 3],
      threadId: `thread-${Math.floor(n / 3)}`,
      subject: SUBJECTS[n % SUBJECTS.length],
      body: { contentType: 'text', content: 'body text the receiver drops by default' },
      headers: [{ name: 'Message-ID', value: `<demo-${n}@example.com>` }],
      isFlagged: n % 5 === 0,
      isSent: sent,
      isAutomatic: false,
    };
  });
  return { ownerIdentity: { type: 'email', value: owner }, mailMessages: messages };
}

export function usersPayload(): Record<string, unknown> {
  return {
    users: PEOPLE.map((p, i) => ({
      id: `guid-${i}`,
      loginEmail: p.address,
      identities: [{ type: 'email', value: p.address }],
      firstName: p.displayName.split(' ')[0],
      lastName: p.displayName.split(' ')[1],
      displayName: p.displayName,
      jobTitle: i % 2 ? 'Analyst' : 'Engineer',
      department: 'Operations',
      timeZoneOffset: '+03:00',
    })),
  };
}

export interface PostResult {
  status: number;
  attempts: number;
}

/** POSTs one payload; 503/429 are retried after Retry-After (bounded), like the connector. */
export async function postPayload(url: string, token: string, payload: unknown, maxAttempts = 5): Promise<PostResult> {
  for (let attempt = 1; ; attempt++) {
    const res = await request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    await res.body.dump();
    const retry = res.statusCode === 503 || res.statusCode === 429;
    if (!retry || attempt >= maxAttempts) return { status: res.statusCode, attempts: attempt };
    const after = Number(res.headers['retry-after'] ?? 1);
    await sleep(Math.min(5, Number.isFinite(after) ? after : 1) * 1000);
  }
}
