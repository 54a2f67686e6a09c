import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A bucket-notification destination like CDK's SqsDestination, with a tighter queue policy: S3 may
 * only SendMessage, only for this bucket (`aws:SourceArn`) and only from this account
 * (`aws:SourceAccount`, which guards against a bucket of the same name in another account after
 * this one is deleted). One statement however many notifications use it.
 */
export class QueueFromBucketDestination implements s3.IBucketNotificationDestination {
  private granted = false;

  constructor(private readonly queue: sqs.IQueue) {}

  bind(_scope: Construct, bucket: s3.IBucket): s3.BucketNotificationDestinationConfig {
    if (!this.granted) {
      this.queue.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'BucketEventsFromThisAccount',
          principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [this.queue.queueArn],
          conditions: {
            ArnLike: { 'aws:SourceArn': bucket.bucketArn },
            StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account },
          },
        }),
      );
      this.granted = true;
    }
    // The notification waits for the queue and its policy: S3 tests the destination when it is set.
    return {
      arn: this.queue.queueArn,
      type: s3.BucketNotificationDestinationType.QUEUE,
      dependencies: [this.queue],
    };
  }
}
