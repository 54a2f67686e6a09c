import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, readSettings } from '../../infra/settings.ts';

const fromContext =
  (context: Record<string, unknown>) =>
  (key: string): unknown =>
    context[key];

const CERTIFICATE = 'arn:aws:acm:us-east-1:111122223333:certificate/1a2b3c4d-0000-4000-8000-123456789abc';

describe('readSettings', () => {
  it('retains data, has the CDN, WARN logs, no tracing, 5 ingest instances and 100/200 rps when nothing is set', () => {
    expect(readSettings(fromContext({}))).toEqual({
      stackName: 'storyfeed',
      removalPolicy: 'retain',
      cdn: true,
      throttleRate: 100,
      throttleBurst: 200,
      alarmEmail: undefined,
      ingestConcurrency: 5,
      apiReservedConcurrency: undefined,
      domainName: undefined,
      certificateArn: undefined,
      hostedZoneId: undefined,
      tracing: false,
      logLevel: 'WARN',
      websubHub: undefined,
    });
    expect(readSettings(fromContext({}))).toEqual(DEFAULT_SETTINGS);
  });

  it('reads the strings `cdk deploy -c key=value` passes', () => {
    const context = {
      stackName: 'sf-prod',
      removalPolicy: 'destroy',
      cdn: 'true',
      throttleRate: '25',
      throttleBurst: '50',
      alarmEmail: 'ops@example.com',
      ingestConcurrency: '12',
      apiReservedConcurrency: '40',
      domainName: 'Feeds.Example.com',
      certificateArn: CERTIFICATE,
      hostedZoneId: 'Z0123456789ABC',
      tracing: 'true',
      logLevel: 'debug',
      websubHub: 'https://hub.example.com/',
    };
    expect(readSettings(fromContext(context))).toEqual({
      stackName: 'sf-prod',
      removalPolicy: 'destroy',
      cdn: true,
      throttleRate: 25,
      throttleBurst: 50,
      alarmEmail: 'ops@example.com',
      ingestConcurrency: 12,
      apiReservedConcurrency: 40,
      domainName: 'feeds.example.com',
      certificateArn: CERTIFICATE,
      hostedZoneId: 'Z0123456789ABC',
      tracing: true,
      logLevel: 'DEBUG',
      websubHub: 'https://hub.example.com/',
    });
  });

  it('reads the booleans and numbers a cdk.json context block holds', () => {
    expect(readSettings(fromContext({ cdn: false, throttleRate: 5, ingestConcurrency: 2 }))).toMatchObject({
      cdn: false,
      throttleRate: 5,
      ingestConcurrency: 2,
    });
  });

  it.each([
    ['removalPolicy', 'snapshot', /removalPolicy must be retain or destroy/],
    ['cdn', 'yes', /cdn must be true or false/],
    ['tracing', 'on', /tracing must be true or false/],
    ['throttleRate', '0', /throttleRate must be a positive integer/],
    ['throttleBurst', '1.5', /throttleBurst must be a positive integer/],
    ['throttleRate', '', /throttleRate must be a positive integer/],
    ['stackName', '9lives', /stackName must be/],
    ['stackName', 'story_feed', /stackName must be/],
    ['ingestConcurrency', '1', /ingestConcurrency must be between 2 and 1000/],
    ['ingestConcurrency', '1001', /ingestConcurrency must be between 2 and 1000/],
    ['apiReservedConcurrency', '-3', /apiReservedConcurrency must be a positive integer/],
    ['alarmEmail', 'ops', /alarmEmail must be an email address/],
    ['logLevel', 'VERBOSE', /logLevel must be one of DEBUG, INFO, WARN, ERROR/],
    ['websubHub', 'http://hub.example.com/', /websubHub must be an https URL/],
    ['websubHub', 'hub.example.com', /websubHub must be an https URL/],
    [
      'websubHub',
      'https://user:secret@hub.example.com/',
      /websubHub must be an https URL without credentials/,
    ],
  ])('rejects %s=%j, naming the key', (key, value, message) => {
    expect(() => readSettings(fromContext({ [key]: value }))).toThrow(message);
  });

  it.each([
    [{ domainName: 'feeds.example.com' }, /domainName and certificateArn must be given together/],
    [{ certificateArn: CERTIFICATE }, /domainName and certificateArn must be given together/],
    [
      { domainName: 'feeds.example.com', certificateArn: CERTIFICATE, cdn: 'false' },
      /domainName needs the CDN/,
    ],
    [{ hostedZoneId: 'Z0123456789ABC' }, /hostedZoneId needs domainName/],
    [
      { domainName: 'feeds.example.com', certificateArn: CERTIFICATE.replace('us-east-1', 'eu-west-1') },
      /us-east-1/,
    ],
    [{ domainName: 'not a name', certificateArn: CERTIFICATE }, /domainName must be a DNS name/],
  ])('rejects the combination %j', (context, message) => {
    expect(() => readSettings(fromContext(context))).toThrow(message);
  });
});
