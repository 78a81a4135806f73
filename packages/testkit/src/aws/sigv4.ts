import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  /** The identity AWS would attribute calls to, e.g. `arn:aws:iam::123456789012:user/deployer`. */
  arn: string;
}

export type SignatureCheck =
  | { ok: true; credentials: TestCredentials; region: string; service: string }
  | { ok: false; errorType: string; message: string; status: number };

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

/**
 * Verify an AWS Signature Version 4 header signature by re-signing the request with the secret of the
 * claimed access key (same date, scope and signed headers) and comparing.
 */
export async function verifySigV4(
  request: { method: string; url: string; headers: IncomingHttpHeaders; body: string },
  credentials: readonly TestCredentials[],
  expectedService: string,
  now = Date.now(),
): Promise<SignatureCheck> {
  const header = request.headers.authorization;
  if (!header) {
    return {
      ok: false,
      status: 400,
      errorType: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    };
  }
  const match = AUTH_RE.exec(header);
  if (!match) {
    return {
      ok: false,
      status: 400,
      errorType: 'IncompleteSignatureException',
      message: `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters with AWS4-HMAC-SHA256.`,
    };
  }
  const [, accessKeyId, day, region, service, signedHeaderList, signature] = match as unknown as string[];
  const known = credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!known) {
    return {
      ok: false,
      status: 400,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  }
  const token = request.headers['x-amz-security-token'];
  if ((known.sessionToken ?? undefined) !== (typeof token === 'string' ? token : undefined)) {
    return {
      ok: false,
      status: 400,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  }
  if (service !== expectedService) {
    return {
      ok: false,
      status: 400,
      errorType: 'InvalidSignatureException',
      message: `Credential should be scoped to correct service: '${expectedService}'.`,
    };
  }
  const amzDate = request.headers['x-amz-date'];
  if (typeof amzDate !== 'string' || !/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(day ?? '')) {
    return {
      ok: false,
      status: 400,
      errorType: 'IncompleteSignatureException',
      message: 'Date must be in ISO-8601 basic format and match the credential scope.',
    };
  }
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (Math.abs(now - signingDate.getTime()) > 15 * 60_000) {
    return {
      ok: false,
      status: 400,
      errorType: 'InvalidSignatureException',
      message: `Signature expired: ${amzDate} is now earlier than the allowed 15 minutes.`,
    };
  }
  const signedNames = (signedHeaderList ?? '').split(';');
  if (!signedNames.includes('host')) {
    return {
      ok: false,
      status: 400,
      errorType: 'InvalidSignatureException',
      message: "'Host' must be a signed header.",
    };
  }
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = request.headers[name];
    if (value === undefined) {
      return {
        ok: false,
        status: 400,
        errorType: 'InvalidSignatureException',
        message: `The request signature we calculated does not match the signature you provided: signed header ${name} is missing.`,
      };
    }
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const url = new URL(request.url, `http://${headers.host}`);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: known.accessKeyId,
      secretAccessKey: known.secretAccessKey,
      ...(known.sessionToken ? { sessionToken: known.sessionToken } : {}),
    },
    region: region ?? '',
    service: service ?? '',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers,
      body: request.body,
    },
    {
      signingDate,
      signingRegion: region ?? '',
      signingService: service ?? '',
      signableHeaders: new Set(signedNames),
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
  const ok =
    expected.length === 64 &&
    timingSafeEqual(Buffer.from(expected), Buffer.from((signature ?? '').padEnd(64, '0').slice(0, 64)));
  if (!ok) {
    return {
      ok: false,
      status: 400,
      errorType: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return { ok: true, credentials: known, region: region ?? '', service: service ?? '' };
}
