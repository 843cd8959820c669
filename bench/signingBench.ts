import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { cosAuthorization, genPrivateMapKey, genUserSig } from '../lib/sign';
import { compareThroughput } from './measure';

// lib/sign against the official Tencent packages and against the floor: the unavoidable work of the
// algorithm (the MACs and the deflate of the same JSON) with nothing around it.

const require = createRequire(import.meta.url);
const { Api } = require('tls-sig-api-v2') as {
  Api: new (
    sdkAppId: number,
    key: string,
  ) => {
    genUserSig(userId: string, expire: number): string;
    genPrivateMapKey(userId: string, expire: number, roomId: number, privilegeMap: number): string;
  };
};
const COS = require('cos-nodejs-sdk-v5') as {
  getAuthorization(options: Record<string, unknown>): string;
};

export interface SigningBenchRow {
  readonly operation: string;
  readonly oursOpsPerSecond: number;
  readonly officialOpsPerSecond: number;
  readonly floorOpsPerSecond: number;
  /** ours / official throughput: at least 1 means never slower than the official library. */
  readonly vsOfficial: number;
  /** ours time / floor time: at most 1.15 means within 15% of the floor. */
  readonly vsFloor: number;
}

const sdkAppId = 1400000000;
const secretKey = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const userId = 'user_0123456789';
const expire = 86400;
const now = Math.floor(Date.now() / 1000);
const official = new Api(sdkAppId, secretKey);

function tlsFloor(json: string, content: string): () => unknown {
  return () => {
    createHmac('sha256', secretKey).update(content).digest('base64');
    return deflateSync(Buffer.from(json));
  };
}

function row(operation: string, results: ReturnType<typeof compareThroughput>): SigningBenchRow {
  const [ours, theirs, floor] = results.map((r) => r.opsPerSecond) as [number, number, number];
  return {
    operation,
    oursOpsPerSecond: ours,
    officialOpsPerSecond: theirs,
    floorOpsPerSecond: floor,
    vsOfficial: ours / theirs,
    vsFloor: floor / ours,
  };
}

export function runSigningBench(): SigningBenchRow[] {
  const rows: SigningBenchRow[] = [];

  const userSigJson = `{"TLS.ver":"2.0","TLS.identifier":"${userId}","TLS.sdkappid":${sdkAppId},"TLS.time":${now},"TLS.expire":${expire},"TLS.sig":"LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4="}`;
  const userSigContent = `TLS.identifier:${userId}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${now}\nTLS.expire:${expire}\n`;
  rows.push(
    row(
      'genUserSig',
      compareThroughput([
        { name: 'ours', run: () => genUserSig({ sdkAppId, secretKey, userId, expire, now }) },
        { name: 'tls-sig-api-v2', run: () => official.genUserSig(userId, expire) },
        { name: 'floor', run: tlsFloor(userSigJson, userSigContent) },
      ]),
    ),
  );

  const userBuf = 'AAAPdXNlcl8wMTIzNDU2Nzg5U3JOAAAAJxBmQT8AAAAA/wAAAAA=';
  const mapJson = userSigJson.replace('"TLS.sig"', `"TLS.userbuf":"${userBuf}","TLS.sig"`);
  const mapContent = `${userSigContent}TLS.userbuf:${userBuf}\n`;
  rows.push(
    row(
      'genPrivateMapKey',
      compareThroughput([
        {
          name: 'ours',
          run: () =>
            genPrivateMapKey({ sdkAppId, secretKey, userId, expire, now, roomId: 10000, privilegeMap: 0xff }),
        },
        { name: 'tls-sig-api-v2', run: () => official.genPrivateMapKey(userId, expire, 10000, 0xff) },
        { name: 'floor', run: tlsFloor(mapJson, mapContent) },
      ]),
    ),
  );

  const cos = {
    secretId: 'AKIDEXAMPLE-not-a-real-id',
    secretKey: 'BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz',
    host: 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com',
  };
  const keyTime = `${now};${now + 600}`;
  const httpString = `put\n/users/u1/photo.jpg\n\ncontent-type=image%2Fjpeg&host=${cos.host}\n`;
  rows.push(
    row(
      'cosAuthorization',
      compareThroughput([
        {
          name: 'ours',
          run: () =>
            cosAuthorization({
              secretId: cos.secretId,
              secretKey: cos.secretKey,
              method: 'PUT',
              pathname: '/users/u1/photo.jpg',
              headers: { Host: cos.host, 'Content-Type': 'image/jpeg' },
              startTime: now,
              endTime: now + 600,
            }),
        },
        {
          name: 'cos-nodejs-sdk-v5',
          run: () =>
            COS.getAuthorization({
              SecretId: cos.secretId,
              SecretKey: cos.secretKey,
              Method: 'PUT',
              Pathname: '/users/u1/photo.jpg',
              Headers: { Host: cos.host, 'Content-Type': 'image/jpeg' },
              KeyTime: keyTime,
            }),
        },
        {
          // The three hash operations every v5 signature needs, over precomputed strings.
          name: 'floor',
          run: () => {
            const signKey = createHmac('sha1', cos.secretKey).update(keyTime).digest('hex');
            const digest = createHash('sha1').update(httpString).digest('hex');
            return createHmac('sha1', signKey).update(`sha1\n${keyTime}\n${digest}\n`).digest('hex');
          },
        },
      ]),
    ),
  );
  return rows;
}
