// The parts of s3rver's internals that the embedded S3 store plugs into (s3rver 3.7.1, lib/).
declare module 's3rver/lib/models/error.js' {
  export default class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, unknown>);
    code: string;
    status: number;
  }
}

declare module 's3rver/lib/models/object.js' {
  import type { Readable } from 'node:stream';

  export default class S3Object {
    constructor(
      bucket: string,
      key: string,
      content: Readable | Buffer | null,
      metadata: Record<string, unknown>,
    );
    bucket: string;
    key: string;
    content: Readable | Buffer | null;
    metadata: Record<string, string>;
    range?: { start: number; end: number };
    static ALLOWED_METADATA: string[];
  }
}

declare module 's3rver/lib/models/bucket.js' {
  export default class S3Bucket {
    constructor(name: string, creationDate: Date);
    name: string;
    creationDate: Date;
  }
}

declare module 's3rver/lib/models/config.js' {
  interface S3Config {
    type: string;
    toXML(space?: number): string;
  }
  export function getConfigModel(type: string): (new (xml: string) => S3Config) | undefined;
}
