import type { TrtcKeyCheckResult } from './checkTrtcKey';

// The health check's metric, as CloudWatch Embedded Metric Format: fields of the JSON log line that
// CloudWatch Logs turns into a metric, so the function needs no SDK, no PutMetricData call and no IAM
// beyond writing its logs. Alarm on TrtcKeyCheckFailed >= 1.

/** The metric namespace. */
export const METRIC_NAMESPACE = 'TencentTokenIssuer';

/**
 * The EMF fields for one check: `TrtcKeyCheckFailed` (0 or 1) per stage, with the Tencent code and
 * reason as searchable properties.
 *
 * @example
 * ```ts
 * log.info('trtc key check', keyCheckMetricFields(result, { stage: 'prod', timestamp: Date.now() }));
 * ```
 */
export function keyCheckMetricFields(
  result:
    | Pick<TrtcKeyCheckResult, 'ok' | 'reason' | 'sdkAppId' | 'errorCode'>
    | { readonly ok: false; readonly reason: 'SECRET_UNAVAILABLE' },
  context: { readonly stage: string; readonly timestamp: number },
): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: context.timestamp,
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [['Stage']],
          Metrics: [{ Name: 'TrtcKeyCheckFailed', Unit: 'Count' }],
        },
      ],
    },
    Stage: context.stage,
    TrtcKeyCheckFailed: result.ok ? 0 : 1,
    reason: result.reason,
    ...('sdkAppId' in result ? { sdkAppId: result.sdkAppId, errorCode: result.errorCode } : {}),
  };
}
