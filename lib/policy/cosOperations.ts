// The object operations a COS request signature may authorize, each named after its COS API (and CAM
// action) and identified the way COS identifies it: the method plus the sub-resource parameters present.
// Bucket-level operations (an empty key, listings, ?uploads on the bucket) are not in this table and so
// can never be signed. Facts from the COS API reference (https://cloud.tencent.com/document/product/436).

/** Query parameters that select a different operation on the same object. */
export const COS_SUBRESOURCES = ['uploads', 'uploadId', 'partNumber'] as const;
export type CosSubresource = (typeof COS_SUBRESOURCES)[number];

/** The HTTP methods that some object operation uses. */
export const COS_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'] as const;
export type CosMethod = (typeof COS_METHODS)[number];

interface OperationShape {
  readonly method: CosMethod;
  /** The sub-resource parameters the operation has, sorted; any other set is another operation. */
  readonly subresources: readonly CosSubresource[];
  /** The request sets the object's metadata (Content-Type among it): upload limits apply to the type. */
  readonly setsContentType: boolean;
  /** The request carries object data: a signed Content-Length is required and capped. */
  readonly carriesData: boolean;
}

/**
 * The signable object operations.
 *
 * @example
 * ```ts
 * COS_OPERATIONS.UploadPart; // { method: 'PUT', subresources: ['partNumber', 'uploadId'], ... }
 * ```
 */
export const COS_OPERATIONS = {
  GetObject: { method: 'GET', subresources: [], setsContentType: false, carriesData: false },
  HeadObject: { method: 'HEAD', subresources: [], setsContentType: false, carriesData: false },
  PutObject: { method: 'PUT', subresources: [], setsContentType: true, carriesData: true },
  DeleteObject: { method: 'DELETE', subresources: [], setsContentType: false, carriesData: false },
  InitiateMultipartUpload: {
    method: 'POST',
    subresources: ['uploads'],
    setsContentType: true,
    carriesData: false,
  },
  UploadPart: {
    method: 'PUT',
    subresources: ['partNumber', 'uploadId'],
    setsContentType: false,
    carriesData: true,
  },
  CompleteMultipartUpload: {
    method: 'POST',
    subresources: ['uploadId'],
    setsContentType: false,
    carriesData: false,
  },
  ListParts: { method: 'GET', subresources: ['uploadId'], setsContentType: false, carriesData: false },
  AbortMultipartUpload: {
    method: 'DELETE',
    subresources: ['uploadId'],
    setsContentType: false,
    carriesData: false,
  },
} as const satisfies Record<string, OperationShape>;

/** A signable object operation (also the name of its CAM action, `name/cos:<operation>`). */
export type CosOperation = keyof typeof COS_OPERATIONS;

/** Every operation name, in table order. */
export const COS_OPERATION_NAMES = Object.keys(COS_OPERATIONS) as CosOperation[];

/**
 * What `/v1/cos/sign` signs unless `COS_SIGN_OPERATIONS` says otherwise: object reads, uploads and
 * multipart uploads. Not DeleteObject: deleting is opt-in.
 */
export const DEFAULT_COS_SIGN_OPERATIONS: readonly CosOperation[] = [
  'GetObject',
  'HeadObject',
  'PutObject',
  'InitiateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'ListParts',
  'AbortMultipartUpload',
];

/**
 * Finds the operation of a method and a set of sub-resource parameters (exact spelling), if any.
 *
 * @example
 * ```ts
 * cosOperationOf('PUT', ['uploadId', 'partNumber']); // 'UploadPart'
 * cosOperationOf('POST', []); // undefined (PostObject, a form upload, is never signed)
 * ```
 */
export function cosOperationOf(method: string, subresources: readonly string[]): CosOperation | undefined {
  const wanted = [...subresources].sort().join('&');
  return COS_OPERATION_NAMES.find((name) => {
    const shape: OperationShape = COS_OPERATIONS[name];
    return shape.method === method && shape.subresources.join('&') === wanted;
  });
}

/**
 * The CAM action of an operation, as STS policies spell it.
 *
 * @example
 * ```ts
 * camActionOf('GetObject'); // 'name/cos:GetObject'
 * ```
 */
export function camActionOf(operation: CosOperation): string {
  return `name/cos:${operation}`;
}
