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

type Failure = Extract<SignatureCheck, { ok: false }>;

const isFailure = (value: object): value is Failure => (value as { ok?: unknown }).ok === false;

const fail = (errorType: string, message: string): Failure => ({
  ok: false,
  status: 400,
  errorType,
  message,
});

interface Claim {
  accessKeyId: string;
  day: string;
  region: string;
  service: string;
  signedNames: string[];
  signature: string;
}

type SignedRequest = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

/**
 * Verify an AWS Signature Version 4 header signature by re-signing the request with the secret of the
 * claimed access key (same date, scope and signed headers) and comparing.
 */
export async function verifySigV4(
  request: SignedRequest,
  credentials: readonly TestCredentials[],
  expectedService: string,
  now = Date.now(),
): Promise<SignatureCheck> {
  const claim = parseAuthorization(request.headers.authorization);
  if (isFailure(claim)) return claim;
  const known = credentials.find((c) => c.accessKeyId === claim.accessKeyId);
  const token = request.headers['x-amz-security-token'];
  if (!known || (known.sessionToken ?? undefined) !== (typeof token === 'string' ? token : undefined)) {
    return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (claim.service !== expectedService) {
    return fail(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${expectedService}'.`,
    );
  }
  const signingDate = checkDate(request.headers['x-amz-date'], claim.day, now);
  if (isFailure(signingDate)) return signingDate;
  const headers = signedHeaders(request.headers, claim.signedNames);
  if (!('host' in headers) || typeof headers.host !== 'string') return headers as Failure;
  const expected = await expectedSignature(
    request,
    headers as Record<string, string>,
    known,
    claim,
    signingDate,
  );
  const ok =
    expected.length === 64 &&
    timingSafeEqual(Buffer.from(expected), Buffer.from(claim.signature.padEnd(64, '0').slice(0, 64)));
  if (!ok) {
    return fail(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { ok: true, credentials: known, region: claim.region, service: claim.service };
}

function parseAuthorization(header: string | undefined): Claim | Failure {
  if (!header) return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const match = AUTH_RE.exec(header);
  if (!match) {
    return fail(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters with AWS4-HMAC-SHA256.`,
    );
  }
  const [, accessKeyId, day, region, service, signedHeaderList, signature] = match as unknown as string[];
  return {
    accessKeyId: accessKeyId ?? '',
    day: day ?? '',
    region: region ?? '',
    service: service ?? '',
    signedNames: (signedHeaderList ?? '').split(';'),
    signature: signature ?? '',
  };
}

function checkDate(amzDate: string | string[] | undefined, day: string, now: number): Date | Failure {
  if (typeof amzDate !== 'string' || !/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(day)) {
    return fail(
      'IncompleteSignatureException',
      'Date must be in ISO-8601 basic format and match the credential scope.',
    );
  }
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (Math.abs(now - signingDate.getTime()) > 15 * 60_000) {
    return fail(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than the allowed 15 minutes.`,
    );
  }
  return signingDate;
}

/** The signed headers' values (`host` must be one of them), or why they cannot be had. */
function signedHeaders(all: IncomingHttpHeaders, names: string[]): Record<string, string> | Failure {
  if (!names.includes('host')) return fail('InvalidSignatureException', "'Host' must be a signed header.");
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = all[name];
    if (value === undefined) {
      return fail(
        'InvalidSignatureException',
        `The request signature we calculated does not match the signature you provided: signed header ${name} is missing.`,
      );
    }
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

async function expectedSignature(
  request: SignedRequest,
  headers: Record<string, string>,
  known: TestCredentials,
  claim: Claim,
  signingDate: Date,
): Promise<string> {
  const url = new URL(request.url, `http://${headers.host}`);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: known.accessKeyId,
      secretAccessKey: known.secretAccessKey,
      ...(known.sessionToken ? { sessionToken: known.sessionToken } : {}),
    },
    region: claim.region,
    service: claim.service,
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
      signingRegion: claim.region,
      signingService: claim.service,
      signableHeaders: new Set(claim.signedNames),
    },
  );
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
}
