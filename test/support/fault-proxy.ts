import { createHash } from 'node:crypto';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy can do to one request:
 * - `throttle`: answers 400 ThrottlingException (S3: 503 SlowDown) without forwarding;
 * - `error500` / `error503`: answers a server error without forwarding;
 * - `drop`: reads the request, then destroys the connection before any answer, without forwarding;
 * - `latency`: forwards after a delay and returns the answer (a slow call, not a failure);
 * - `lostResponse`: forwards, lets the service act and answer, then destroys the connection instead of
 *   returning that answer: the write happened and the caller does not know.
 */
export type FaultKind = 'throttle' | 'error500' | 'error503' | 'drop' | 'latency' | 'lostResponse';

export interface FaultRule {
  /**
   * The operations it applies to, as "service:Operation" with the signing name of the service
   * ("glue:CreateTable", "dynamodb:UpdateItem", "s3:PutObject"), "service:*", or "*".
   */
  readonly operations: readonly string[];
  /** Only requests signed for these Regions; every Region when absent. */
  readonly regions?: readonly string[];
  /** The fraction of matching requests that get a fault, from 0 to 1. */
  readonly rate: number;
  /** The faults to choose from, each equally likely. */
  readonly faults: readonly FaultKind[];
  /** At most this many faults from this rule; unbounded when absent (e.g. 1 with rate 1: "the first CreateTable"). */
  readonly limit?: number;
}

export interface FaultProxyOptions {
  /** The service behind the proxy (a moto server); loopback only. */
  readonly upstream: string;
  /** Seeds the decisions: the same seed gives each operation the same sequence of faults. Default 1. */
  readonly seed?: number;
  /** The first rule matching a request (and not at its limit) decides; no faults when empty. Default none. */
  readonly rules?: readonly FaultRule[];
  /** After this many failing faults in a row on one operation the next request of it passes. Default 2. */
  readonly maxConsecutive?: number;
  /**
   * At most this many failing faults for one SDK call (its retries share the amz-sdk-invocation-id header),
   * so a client with more attempts than this always gets through. Default 2.
   */
  readonly maxFaultsPerCall?: number;
  /** The delay a `latency` fault adds, in milliseconds. Default 200. */
  readonly latencyMs?: number;
}

/** One fault the proxy injected. */
export interface InjectedFault {
  /** The request's position among every request the proxy received, from 1. */
  readonly request: number;
  readonly operation: string;
  readonly region?: string;
  readonly fault: FaultKind;
  /** The SDK's attempt number of the call, when it sent one. */
  readonly attempt?: number;
}

/** How a request names its service, Region and operation, and how its errors are written. */
interface RequestInfo {
  readonly service: string;
  readonly region?: string;
  readonly operation: string;
  readonly protocol: 'json' | 'restJson' | 'restXml' | 'query';
  readonly invocationId?: string;
  readonly attempt?: number;
}

/** Faults that fail the attempt (everything but latency): these are what the caps bound. */
const FAILING: ReadonlySet<FaultKind> = new Set(['throttle', 'error500', 'error503', 'drop', 'lostResponse']);

/**
 * An HTTP proxy on 127.0.0.1 in front of a moto server that injects faults into chosen operations,
 * seeded and bounded, and records what it did. Point the code under test at `endpoint`; read and
 * judge the state directly at the upstream, not through the proxy.
 */
export class FaultProxy {
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const upstream = new URL(options.upstream);
    if (upstream.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(upstream.hostname)) {
      throw new Error(`the fault proxy only fronts a loopback http service; "${options.upstream}" is not one`);
    }
    const proxy = new FaultProxy(options, upstream);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** Every fault injected, in order. */
  readonly injected: InjectedFault[] = [];
  /** Requests received, by "service:Operation". */
  readonly requests: Record<string, number> = {};

  private readonly server: Server;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private rules: readonly FaultRule[];
  private readonly used = new Map<FaultRule, number>();
  private readonly draws = new Map<string, number>();
  private readonly consecutive = new Map<string, number>();
  private readonly perCall = new Map<string, number>();
  private readonly holds: Array<{ operation: string; region?: string; arrived: () => void; released: Promise<void> }> = [];
  private received = 0;

  /** Errors talking to the upstream itself (not injected); a test should expect none. */
  readonly upstreamErrors: string[] = [];

  private constructor(private readonly options: FaultProxyOptions, private readonly upstream: URL) {
    this.rules = options.rules ?? [];
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(error => {
        this.upstreamErrors.push(String(error));
        res.destroy();
      });
    });
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Replaces the rules (and their limits' counts); `[]` lets everything through. */
  setRules(rules: readonly FaultRule[]): void {
    this.rules = rules;
    this.used.clear();
  }

  /** Starts afresh, as if just started with these rules: no record, the seeded sequences from their start. */
  reset(rules: readonly FaultRule[] = []): void {
    this.setRules(rules);
    this.injected.length = 0;
    this.upstreamErrors.length = 0;
    for (const key of Object.keys(this.requests)) delete this.requests[key];
    this.draws.clear();
    this.consecutive.clear();
    this.perCall.clear();
    this.holds.length = 0;
    this.received = 0;
  }

  /**
   * Holds the next request of `operation` ("service:Operation", in `region` when given) before it reaches the
   * service, until `release()`: `reached` resolves when it arrives. Lets a test put another writer's work
   * between a caller's read and its write.
   */
  holdNext(operation: string, region?: string): { reached: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let release!: () => void;
    const reached = new Promise<void>(resolve => { arrived = resolve; });
    const released = new Promise<void>(resolve => { release = resolve; });
    this.holds.push({ operation, region, arrived, released });
    return { reached, release };
  }

  /** Faults injected, optionally only of one kind and one operation. */
  count(fault?: FaultKind, operation?: string): number {
    return this.injected.filter(f => (!fault || f.fault === fault) && (!operation || f.operation === operation)).length;
  }

  /** Faults injected by kind. */
  tally(): Partial<Record<FaultKind, number>> {
    const out: Partial<Record<FaultKind, number>> = {};
    for (const f of this.injected) out[f.fault] = (out[f.fault] ?? 0) + 1;
    return out;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const info = describeRequest(req, body);
    const key = `${info.service}:${info.operation}`;
    const seq = ++this.received;
    this.requests[key] = (this.requests[key] ?? 0) + 1;
    const hold = this.holds.findIndex(h => h.operation === key && (!h.region || h.region === info.region));
    if (hold >= 0) {
      const [{ arrived, released }] = this.holds.splice(hold, 1);
      arrived();
      await released;
    }
    const fault = this.decide(info, key);
    if (fault) this.injected.push({ request: seq, operation: key, region: info.region, fault, attempt: info.attempt });

    switch (fault) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'throttle':
      case 'error500':
      case 'error503':
        return sendError(res, info, fault);
      case 'latency':
        await new Promise(r => setTimeout(r, this.options.latencyMs ?? 200));
        break;
    }
    const answer = await this.forward(req, body);
    if (fault === 'lostResponse') {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  /** The fault for this request, if any: the first applicable rule rolls, within the caps. */
  private decide(info: RequestInfo, key: string): FaultKind | undefined {
    // Every request draws from its operation's own stream, so interleaving with other operations changes nothing.
    const next = this.stream(key);
    const roll = next();
    const pick = next();
    const rule = this.rules.find(r => matches(r, info, key) && (r.limit === undefined || (this.used.get(r) ?? 0) < r.limit));
    let fault: FaultKind | undefined = rule && roll < rule.rate ? rule.faults[Math.floor(pick * rule.faults.length)] : undefined;
    if (fault && FAILING.has(fault)) {
      const inARow = this.consecutive.get(key) ?? 0;
      const forCall = info.invocationId ? this.perCall.get(info.invocationId) ?? 0 : 0;
      if (inARow >= (this.options.maxConsecutive ?? 2) || forCall >= (this.options.maxFaultsPerCall ?? 2)) fault = undefined;
    }
    if (fault && FAILING.has(fault)) {
      this.consecutive.set(key, (this.consecutive.get(key) ?? 0) + 1);
      if (info.invocationId) this.perCall.set(info.invocationId, (this.perCall.get(info.invocationId) ?? 0) + 1);
    } else {
      this.consecutive.set(key, 0);
    }
    if (fault && rule) this.used.set(rule, (this.used.get(rule) ?? 0) + 1);
    return fault;
  }

  /** The n-th draw of an operation's own sequence. */
  private stream(key: string): () => number {
    const n = (this.draws.get(key) ?? 0) + 1;
    this.draws.set(key, n);
    const seed = this.options.seed ?? 1;
    let part = 0;
    return () => uniform(`${seed}:${key}:${n}:${part++}`);
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers: IncomingHttpHeaders = { ...req.headers, host: this.upstream.host };
      delete headers.connection;
      delete headers.expect;
      const out = request({
        host: this.upstream.hostname.replace(/^\[|\]$/g, ''),
        port: this.upstream.port,
        method: req.method,
        path: req.url,
        headers,
        agent: this.agent,
      }, async (upstreamRes) => {
        try {
          const answer = await readAll(upstreamRes);
          const copied: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(upstreamRes.headers)) {
            if (value !== undefined && !['connection', 'transfer-encoding', 'keep-alive', 'content-length'].includes(name)) copied[name] = value;
          }
          copied['content-length'] = String(answer.length);
          resolve({ status: upstreamRes.statusCode ?? 502, headers: copied, body: answer });
        } catch (error) {
          reject(error);
        }
      });
      out.once('error', reject);
      out.end(body);
    });
  }
}

function matches(rule: FaultRule, info: RequestInfo, key: string): boolean {
  const op = rule.operations.some(o => o === '*' || o === key || o === `${info.service}:*`);
  return op && (!rule.regions || (info.region !== undefined && rule.regions.includes(info.region)));
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/**
 * The service and Region come from the SigV4 credential scope; the operation from X-Amz-Target (awsJson),
 * the Action of a query body (STS), the method and path (S3), or the first path segment (restJson, e.g. Lake Formation).
 */
function describeRequest(req: IncomingMessage, body: Buffer): RequestInfo {
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''));
  const region = scope?.[1];
  const service = scope?.[2] ?? 'unknown';
  const sdk = /attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''));
  const common = { service, region, invocationId: req.headers['amz-sdk-invocation-id'] as string | undefined, attempt: sdk ? Number(sdk[1]) : undefined };
  const url = new URL(req.url ?? '/', 'http://proxy');
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return { ...common, protocol: 'json', operation: target.slice(target.lastIndexOf('.') + 1) };
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return { ...common, protocol: 'query', operation: new URLSearchParams(body.toString('utf8')).get('Action') ?? 'Unknown' };
  }
  if (service === 's3') return { ...common, protocol: 'restXml', operation: s3Operation(req, url) };
  return { ...common, protocol: 'restJson', operation: url.pathname.split('/').filter(Boolean)[0] ?? 'Unknown' };
}

/** The S3 operation of a path-style request, for the calls a snapshot makes (others by method). */
function s3Operation(req: IncomingMessage, url: URL): string {
  const objectKey = url.pathname.split('/').filter(Boolean).length > 1;
  const q = url.searchParams;
  switch (req.method) {
    case 'HEAD': return objectKey ? 'HeadObject' : 'HeadBucket';
    case 'GET': return objectKey ? 'GetObject' : q.has('list-type') ? 'ListObjectsV2' : 'ListObjects';
    case 'DELETE': return q.has('uploadId') ? 'AbortMultipartUpload' : objectKey ? 'DeleteObject' : 'DeleteBucket';
    case 'POST':
      if (q.has('uploads')) return 'CreateMultipartUpload';
      if (q.has('uploadId')) return 'CompleteMultipartUpload';
      return q.has('delete') ? 'DeleteObjects' : 'PostObject';
    case 'PUT':
      if (!objectKey) return 'CreateBucket';
      if (q.has('uploadId')) return 'UploadPart';
      return req.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
    default: return req.method ?? 'Unknown';
  }
}

/** The error each protocol's SDK deserializer reads as that fault. */
function sendError(res: ServerResponse, info: RequestInfo, fault: 'throttle' | 'error500' | 'error503'): void {
  const { status, code, message } = errorFor(info, fault);
  const headers: Record<string, string> = { 'x-amzn-requestid': `fault-proxy-${Date.now()}` };
  let body: string;
  if (info.protocol === 'json' || info.protocol === 'restJson') {
    headers['content-type'] = info.protocol === 'json' ? `application/x-amz-json-${info.service === 'dynamodb' ? '1.0' : '1.1'}` : 'application/json';
    headers['x-amzn-errortype'] = code;
    body = JSON.stringify({ __type: code, message });
  } else if (info.protocol === 'query') {
    headers['content-type'] = 'text/xml';
    body = `<ErrorResponse><Error><Type>${status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`;
  } else {
    headers['content-type'] = 'application/xml';
    body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
  }
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function errorFor(info: RequestInfo, fault: 'throttle' | 'error500' | 'error503'): { status: number; code: string; message: string } {
  if (info.protocol === 'restXml') {
    if (fault === 'throttle') return { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
    return fault === 'error500'
      ? { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' }
      : { status: 503, code: 'ServiceUnavailable', message: 'Service is unable to handle request.' };
  }
  if (fault === 'throttle') return { status: 400, code: info.protocol === 'query' ? 'Throttling' : 'ThrottlingException', message: 'Rate exceeded' };
  if (fault === 'error500') {
    const code = info.service === 'glue' ? 'InternalServiceException' : info.service === 'dynamodb' ? 'InternalServerError' : 'InternalFailure';
    return { status: 500, code, message: 'An internal error occurred (injected)' };
  }
  return { status: 503, code: 'ServiceUnavailableException', message: 'Service unavailable (injected)' };
}

/** A number in [0, 1) that depends only on its input: a seeded draw without a generator's state. */
function uniform(input: string): number {
  return createHash('sha256').update(input).digest().readUInt32BE(0) / 2 ** 32;
}

/** One proxy for a test file, in front of the file's service (started first), reset before each test. */
export function useFaultProxy(upstream: () => string, seed = 13): () => FaultProxy {
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    proxy = await FaultProxy.start({ upstream: upstream(), seed });
  });
  afterAll(() => proxy?.stop());
  beforeEach(() => proxy!.reset());
  return () => proxy!;
}

/**
 * That a run really met the faults: about `rate` of the service's requests faulted (the caps let a few
 * through; small runs vary), each kind at least once, and no error reaching the service itself.
 */
export function expectFaultsInjected(proxy: FaultProxy, service: string, kinds: readonly FaultKind[], rate: number): void {
  const requests = Object.entries(proxy.requests).filter(([op]) => op.startsWith(`${service}:`)).reduce((n, [, c]) => n + c, 0);
  const share = proxy.injected.filter(f => f.operation.startsWith(`${service}:`)).length / requests;
  expect(share).toBeGreaterThan(rate / 2);
  expect(share).toBeLessThan(rate * 1.5);
  for (const kind of kinds) expect(proxy.count(kind)).toBeGreaterThan(0);
  expect(proxy.upstreamErrors).toEqual([]);
}
