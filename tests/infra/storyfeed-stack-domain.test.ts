import { beforeAll, describe, expect, it } from 'vitest';
import { logicalIdOf, type SynthesizedStoryfeed, synthesizeStoryfeed } from './synthesize-storyfeed.ts';

const DOMAIN = 'feeds.example.com';
const CERTIFICATE = 'arn:aws:acm:us-east-1:111122223333:certificate/1a2b3c4d-0000-4000-8000-123456789abc';
const ZONE = 'Z0123456789ABCDEFGHIJ';

let synth: SynthesizedStoryfeed;

beforeAll(() => {
  synth = synthesizeStoryfeed({
    bundle: false,
    context: { domainName: DOMAIN, certificateArn: CERTIFICATE, hostedZoneId: ZONE },
  });
});

function distribution(): { logicalId: string; config: Record<string, unknown> } {
  const [entry, ...others] = Object.entries(synth.template.findResources('AWS::CloudFront::Distribution'));
  if (!entry || others.length > 0) throw new Error('expected one distribution');
  return { logicalId: entry[0], config: entry[1].Properties.DistributionConfig };
}

describe('storyfeed stack with a custom domain on the CDN (domainName, certificateArn, hostedZoneId)', () => {
  it('serves the domain from the distribution with its certificate, SNI and TLS 1.2 (2021) at least', () => {
    const { config } = distribution();
    expect(config.Aliases).toEqual([DOMAIN]);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });

  it('points an IPv4 and an IPv6 alias of the domain at the distribution, in the zone given', () => {
    const { logicalId } = distribution();
    const records = Object.values(synth.template.findResources('AWS::Route53::RecordSet')).map(
      (record) => record.Properties,
    );
    expect(records).toHaveLength(2);
    expect(records.map((record) => record.Type).sort()).toEqual(['A', 'AAAA']);
    for (const record of records) {
      expect(record).toMatchObject({
        Name: `${DOMAIN}.`,
        HostedZoneId: ZONE,
        AliasTarget: { DNSName: { 'Fn::GetAtt': [logicalId, 'DomainName'] } },
      });
    }
  });

  it('gives both functions the domain as PUBLIC_BASE_URL, and prints it as FeedsUrl', () => {
    for (const fn of [synth.stack.api, synth.stack.ingest]) {
      const resource = synth.template.findResources('AWS::Lambda::Function')[logicalIdOf(fn.function)];
      expect(resource?.Properties.Environment.Variables.PUBLIC_BASE_URL).toBe(`https://${DOMAIN}`);
    }
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.FeedsUrl?.Value).toBe(`https://${DOMAIN}/`);
    expect(outputs.ApiUrl).toBeDefined();
  });

  it('leaves no finding unacknowledged, and needs no default-certificate TLS acknowledgement', () => {
    expect(synth.findings).toEqual([]);
    const onDistribution = synth.acknowledged
      .filter((a) => a.acknowledgedAt === synth.stack.feedApi.distribution?.node.path)
      .map((a) => a.rule);
    expect(onDistribution.sort()).toEqual(['AwsSolutions-CFR1', 'AwsSolutions-CFR2']);
  });
});
