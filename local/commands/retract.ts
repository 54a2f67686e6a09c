import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { parseVersionLabel } from '../../functions/story/version.ts';
import { isValidStoryId } from '../story-upload.ts';
import { readCommandLine, usageError } from './command-line.ts';
import { chooseS3Target, explainS3Error } from './s3-target.ts';
import { chooseCurrentObjects, findStoryObjects } from './story-keys.ts';

const SPEC = {
  name: 'retract',
  usage: `usage: storyfeed retract STORY_ID [VERSION] [--bucket B] [--endpoint URL]

Deletes from the bucket the keys the story's versions (or only VERSION: v0.12 = v0.12.0) currently
come from, so that the pipeline retracts them as after \`aws s3 rm\`; prints each deleted key on
stdout (one a line) and a summary on stderr. Only
bucket access is needed: it lists the bucket and reads the story files to find the keys.
Exit 0 when keys were deleted, 1 when none holds that story (or version), 2 on a usage error.

  default            the local stack: bucket stories at http://127.0.0.1:$S3_PORT (4569)
  --bucket B         the bucket B on AWS (standard credential chain), unless --endpoint is given too
  --endpoint URL     an S3-compatible endpoint (path-style)`,
  options: { bucket: { type: 'string' }, endpoint: { type: 'string' } },
  positionals: { min: 1, max: 2, what: 'a STORY_ID' },
} as const;

/** `storyfeed retract STORY_ID [VERSION]`: deletes the keys the story (version) comes from; returns the exit code. */
export async function runRetract(args: string[]): Promise<number> {
  const line = readCommandLine(SPEC, args);
  if (line.exit !== undefined) return line.exit;
  const [storyId = '', version] = line.positionals;
  if (!isValidStoryId(storyId)) return usageError(SPEC, `${JSON.stringify(storyId)} is not a story id`).exit;
  if (version !== undefined && !parseVersionLabel(version)) {
    return usageError(SPEC, `${JSON.stringify(version)} is not a version (v<major>.<minor>[.<patch>])`).exit;
  }
  const { endpoint, bucket } = line.values;
  if (endpoint !== undefined && !URL.canParse(endpoint)) {
    return usageError(SPEC, `--endpoint ${JSON.stringify(endpoint)} is not a URL`).exit;
  }
  const target = chooseS3Target(bucket, endpoint);
  const what = version === undefined ? `story ${storyId}` : `version ${version} of story ${storyId}`;
  try {
    const objects = await findStoryObjects(target.s3, target.bucket, storyId);
    const current = chooseCurrentObjects(objects, version);
    if (current.length === 0) {
      process.stderr.write(`storyfeed retract: no key in s3://${target.bucket} holds ${what}\n`);
      if (objects.length > 0) {
        // An edited file: the key that gave this version holds a later one now (SPEC §6 retracts by key).
        const held = chooseCurrentObjects(objects).map((object) => `${object.key} (${object.version})`);
        process.stderr.write(
          `  the story's keys hold other versions now: ${held.join(', ')}. If ${version} came from one of them ` +
            `before it was edited, deleting that key retracts both: storyfeed retract ${storyId} retracts the story\n`,
        );
      }
      return 1;
    }
    for (const object of current) {
      await target.s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: object.key }));
      process.stdout.write(`${object.key}\n`);
    }
    const versions = [...new Set(current.map((object) => object.version))].join(', ');
    process.stderr.write(
      `storyfeed retract: deleted ${current.length} key(s) of ${what} (${versions}) from s3://${target.bucket}; the pipeline retracts them\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`storyfeed retract: ${explainS3Error(error, target)}\n`);
    return 1;
  } finally {
    target.s3.destroy();
  }
}
