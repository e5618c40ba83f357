import { describe, expect, it } from 'vitest';
import { CredentialsError } from '../../src/errors.js';
import type { AwsCredentials } from '../../src/ports.js';
import { renewingCredentials } from '../../src/workflows/credential-refresh.js';
import { FakeClock, FakeLog } from '../support/fake-ports.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A source whose renewals hand out session-2, session-3, … lasting `lifetime` from the clock's now. */
function setup(lifetime = HOUR, renewal: () => Promise<void> = async () => undefined) {
  const clock = new FakeClock();
  const log = new FakeLog();
  let issued = 1;
  const issue = (): AwsCredentials => ({
    accessKeyId: `ASIA${issued}`,
    secretAccessKey: `secret-${issued}`,
    sessionToken: `token-${issued++}`,
    expiration: new Date(clock.now().getTime() + lifetime),
  });
  const initial = issue();
  const renewals: number[] = [];
  const source = renewingCredentials({
    initial,
    renew: async () => {
      await renewal();
      renewals.push(clock.now().getTime());
      return issue();
    },
    clock,
    log,
  });
  return { clock, log, source, renewals };
}

describe('renewingCredentials', () => {
  it('keeps a session until 10 minutes before it expires, then assumes again once', async () => {
    const { clock, source, renewals, log } = setup();
    clock.advance(49 * MINUTE);
    expect((await source()).accessKeyId).toBe('ASIA1');
    clock.advance(2 * MINUTE);
    const [first, second] = await Promise.all([source(), source()]);
    expect([first.accessKeyId, second.accessKeyId]).toEqual(['ASIA2', 'ASIA2']);
    expect(renewals).toHaveLength(1);
    expect(log.masked).toEqual(expect.arrayContaining(['secret-2', 'token-2', 'ASIA2']));
    clock.advance(30 * MINUTE);
    expect((await source()).accessKeyId).toBe('ASIA2');
  });

  it('renews short sessions at half their lifetime', async () => {
    const { clock, source } = setup(15_000);
    clock.advance(7_000);
    expect((await source()).accessKeyId).toBe('ASIA1');
    clock.advance(1_000);
    expect((await source()).accessKeyId).toBe('ASIA2');
  });

  it('assumes again for a caller that needs the credentials longer than they have left (the e2e command)', async () => {
    const { clock, source, log } = setup();
    clock.advance(40 * MINUTE);
    expect((await source({ validForMs: 30 * MINUTE })).accessKeyId).toBe('ASIA2');
    expect(log.lines.filter((line) => line.level === 'warning')).toEqual([]);
  });

  it('warns, naming role-duration-seconds, when even a new session is shorter than needed', async () => {
    const { source, log } = setup(15 * MINUTE);
    expect((await source({ validForMs: 30 * MINUTE })).accessKeyId).toBe('ASIA2');
    expect(log.lines.find((line) => line.level === 'warning')?.message).toMatch(/role-duration-seconds/);
  });

  it('keeps valid credentials when a renewal fails, and fails once they have expired', async () => {
    const { clock, source, log } = setup(HOUR, async () => {
      throw new Error('STS is down');
    });
    clock.advance(55 * MINUTE);
    expect((await source()).accessKeyId).toBe('ASIA1');
    expect(log.lines.find((line) => line.level === 'warning')?.message).toMatch(/STS is down/);
    clock.advance(5 * MINUTE);
    await expect(source()).rejects.toThrow(/expired and could not be renewed: STS is down/);
  });

  it('never renews credentials without an expiry', async () => {
    const clock = new FakeClock();
    const source = renewingCredentials({
      initial: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
      renew: async () => {
        throw new Error('not called');
      },
      clock,
      log: new FakeLog(),
    });
    clock.advance(100 * HOUR);
    expect((await source({ validForMs: HOUR })).accessKeyId).toBe('AKIA');
  });
});

describe('renewingCredentials, at its edges', () => {
  it('renews exactly at the margin, says until when, and renews again for the next session', async () => {
    const { clock, source, log } = setup();
    const start = clock.now().getTime();
    clock.advance(50 * MINUTE);
    expect((await source()).accessKeyId).toBe('ASIA2');
    clock.advance(50 * MINUTE);
    expect((await source()).accessKeyId).toBe('ASIA3');
    expect(log.messages('info')).toEqual([
      `AWS credentials renewed; they expire at ${new Date(start + 110 * MINUTE).toISOString()}`,
      `AWS credentials renewed; they expire at ${new Date(start + 160 * MINUTE).toISOString()}`,
    ]);
  });

  it('says no expiry when the new credentials have none', async () => {
    const clock = new FakeClock();
    const log = new FakeLog();
    const source = renewingCredentials({
      initial: {
        accessKeyId: 'ASIA1',
        secretAccessKey: 's',
        expiration: new Date(clock.now().getTime() + MINUTE),
      },
      renew: async () => ({ accessKeyId: 'AKIA2', secretAccessKey: 's2' }),
      clock,
      log,
    });
    clock.advance(45_000);
    expect((await source()).accessKeyId).toBe('AKIA2');
    expect(log.messages('info')).toEqual(['AWS credentials renewed']);
  });

  it('names how long the new session lasts and how long is needed, and is quiet when it is just enough', async () => {
    const short = setup(15 * MINUTE);
    await short.source({ validForMs: 30 * MINUTE });
    expect(short.log.messages('warning')).toEqual([
      'The AWS credentials last 15 more minutes, less than the 30 needed (test-timeout-minutes): ' +
        "raise role-duration-seconds (and the role's maximum session duration).",
    ]);

    const exact = setup(30 * MINUTE);
    expect((await exact.source({ validForMs: 30 * MINUTE })).accessKeyId).toBe('ASIA2');
    expect(exact.log.messages('warning')).toEqual([]);
  });

  it('keeps the renewal’s error as the cause once the credentials have expired', async () => {
    const failure = new Error('STS is down');
    const { clock, source } = setup(HOUR, async () => {
      throw failure;
    });
    clock.advance(HOUR);
    const error = await source().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).cause).toBe(failure);
  });
});
