import {
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsSession, BucketsPort } from '../ports.js';
import { clientConfig, credentialProvider } from './aws-config.js';

/** S3 through the AWS SDK. */
export class S3Buckets implements BucketsPort {
  private readonly client: S3Client;

  constructor(
    session: Pick<AwsSession, 'region' | 'credentials' | 'current'>,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.client = new S3Client({
      ...clientConfig(session.region, credentialProvider(session)),
      ...(forcePathStyle(env) ? { forcePathStyle: true } : {}),
    });
  }

  async empty(bucket: string): Promise<number> {
    let deleted = 0;
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
          ...(versionIdMarker === undefined ? {} : { VersionIdMarker: versionIdMarker }),
        }),
      );
      // Versions and delete markers alike: a versioned bucket is only empty once both are gone.
      const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
        .filter((entry) => entry.Key !== undefined)
        .map((entry) => ({
          Key: entry.Key as string,
          ...(entry.VersionId === undefined ? {} : { VersionId: entry.VersionId }),
        }));
      // A page holds at most 1,000 entries, DeleteObjects' own limit.
      if (objects.length > 0) {
        const response = await this.client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
        );
        const error = response.Errors?.[0];
        if (error !== undefined) {
          throw new Error(
            `Could not empty bucket ${bucket}: ${error.Key} ${error.Code} ${error.Message ?? ''}`.trim(),
          );
        }
        deleted += objects.length;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
    return deleted;
  }
}

/**
 * Path-style addressing under the rule toolkit-lib applies to its own S3 calls in the same run:
 * CDK_S3_FORCE_PATH_STYLE, or an S3 endpoint on loopback (where bucket.localhost does not resolve).
 */
export function forcePathStyle(env: NodeJS.ProcessEnv): boolean {
  if (env.CDK_S3_FORCE_PATH_STYLE) return true;
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint === undefined || endpoint === '') return false;
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}
