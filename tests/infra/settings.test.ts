import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, readSettings } from '../../infra/settings.ts';

const fromContext =
  (context: Record<string, unknown>) =>
  (key: string): unknown =>
    context[key];

describe('readSettings', () => {
  it('retains data, has no CDN and throttles at 100/200 rps when nothing is set', () => {
    expect(readSettings(fromContext({}))).toEqual({
      stackName: 'storyfeed',
      removalPolicy: 'retain',
      cdn: false,
      throttleRate: 100,
      throttleBurst: 200,
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
    };
    expect(readSettings(fromContext(context))).toEqual({
      stackName: 'sf-prod',
      removalPolicy: 'destroy',
      cdn: true,
      throttleRate: 25,
      throttleBurst: 50,
    });
  });

  it('reads the booleans and numbers a cdk.json context block holds', () => {
    expect(readSettings(fromContext({ cdn: false, throttleRate: 5 }))).toMatchObject({
      cdn: false,
      throttleRate: 5,
    });
  });

  it.each([
    ['removalPolicy', 'snapshot', /removalPolicy must be retain or destroy/],
    ['cdn', 'yes', /cdn must be true or false/],
    ['throttleRate', '0', /throttleRate must be a positive integer/],
    ['throttleBurst', '1.5', /throttleBurst must be a positive integer/],
    ['throttleRate', '', /throttleRate must be a positive integer/],
    ['stackName', '9lives', /stackName must be/],
    ['stackName', 'story_feed', /stackName must be/],
  ])('rejects %s=%j, naming the key', (key, value, message) => {
    expect(() => readSettings(fromContext({ [key]: value }))).toThrow(message);
  });
});
