/**
 * S3 on loopback: s3rver (MIT, npm) stores the objects; in front of it, a gateway that
 * does what s3rver does not and real S3 would:
 * - every request is authorised by the stack's own policies, evaluated by the project's
 *   IAM evaluator (src/core/iam/evaluate.ts): the caller's role policy, the vault's bucket
 *   policy and, for SSE-KMS vaults, the key policy through S3. A denied request gets S3's
 *   403 AccessDenied; every decision is recorded for the tests.
 * - conditional writes: PutObject and CompleteMultipartUpload with `If-None-Match: *`
 *   fail with 412 PreconditionFailed when the key exists.
 * - Content-MD5: a body that does not match it fails with 400 BadDigest.
 * - ListParts (s3rver has none): S3's record of an upload's parts, read from s3rver's store.
 * - ListObjectVersions (with a delimiter too: listVersionsByDelimiter) and DeleteObjects
 *   (erasure): s3rver keeps no versions, so each
 *   object is its one version, `null`, as in a bucket that was never versioned; every key
 *   of a DeleteObjects request is authorised on its own (s3:DeleteObject, and
 *   s3:DeleteObjectVersion for a version, s3:BypassGovernanceRetention when asked), and a
 *   denied key comes back among the result's Errors, as S3 answers.
 * - SSM GetParameter (region scope), a local stand-in for Parameter Store: the parameters
 *   the test puts, each read authorised as AWS would (the role's ssm:GetParameter, then
 *   KMS Decrypt through SSM with the parameter's ARN as encryption context, against the
 *   credentials key's policy), answered in SSM's JSON protocol.
 * The gateway stands in for S3's HTTPS endpoint, so requests count as over TLS.
 * Callers sign with an access key named after their role (see credentialsFor).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Decision, RequestContext } from "../../../src/core/iam/evaluate";
import { asCaller, kms, s3, ssmRead, type World, type WorldRole } from "../../iamWorld";
import { freePort } from "./ports";

// s3rver ships CommonJS without types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require("@20minutes/s3rver");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DUMMY_ACCOUNT } = require("@20minutes/s3rver/lib/models/account");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Object = require("@20minutes/s3rver/lib/models/object");

export interface S3Call {
  readonly role: string;
  /** The S3 API operation, as AWS names it. */
  readonly operation: string;
  readonly bucket: string;
  readonly key?: string;
  /** Each IAM action the operation needs, with the decision the stack's policies give. */
  readonly decisions: readonly { readonly action: string; readonly decision: Decision }[];
  readonly status: number;
}

/** One SSM request through the gateway. */
export interface SsmCall {
  readonly role: string;
  readonly operation: string;
  readonly region: string;
  readonly name: string;
  readonly decisions: readonly { readonly action: string; readonly decision: Decision }[];
  readonly status: number;
}

export interface S3Service {
  readonly endpoint: string;
  readonly calls: S3Call[];
  readonly ssmCalls: SsmCall[];
  /** Stores a SecureString parameter (what `pulumi up` writes in the region scope). */
  putParameter(region: string, name: string, value: string): void;
  /** Test hook: answer the next UploadPart as stored without storing it (S3's record then lacks it). */
  loseNextPart: boolean;
  /** Environment for an AWS CLI acting as this role. */
  credentialsFor(roleArn: string): Record<string, string>;
  /** Objects of a bucket (key → bytes), read from s3rver's store. */
  list(bucket: string): Promise<{ key: string; size: number }[]>;
  read(bucket: string, key: string): Promise<Buffer>;
  /** Puts an object directly into the store, as someone outside the fleet's roles would have. */
  plant(bucket: string, key: string, body: Buffer | string): Promise<void>;
  stop(): Promise<void>;
}

interface Operation {
  readonly name: string;
  readonly actions: readonly string[];
  readonly creates: boolean;
  readonly resource: "bucket" | "object";
}

/** Which S3 operation a path-style request is, and the IAM actions AWS checks for it. */
export function operationOf(method: string, key: string | undefined, query: URLSearchParams, headers: IncomingMessage["headers"]): Operation {
  if (!key) {
    if (method === "GET" && query.has("versions"))
      return { name: "ListObjectVersions", actions: ["s3:ListBucketVersions"], creates: false, resource: "bucket" };
    if (method === "POST" && query.has("delete")) return { name: "DeleteObjects", actions: [], creates: false, resource: "bucket" };
    if (method === "GET" || method === "HEAD") return { name: "ListObjectsV2", actions: ["s3:ListBucket"], creates: false, resource: "bucket" };
    return { name: `${method} bucket`, actions: ["s3:CreateBucket"], creates: false, resource: "bucket" };
  }
  if (method === "POST" && query.has("uploads")) return { name: "CreateMultipartUpload", actions: ["s3:PutObject"], creates: false, resource: "object" };
  if (method === "PUT" && query.has("uploadId")) return { name: "UploadPart", actions: ["s3:PutObject"], creates: false, resource: "object" };
  if (method === "POST" && query.has("uploadId")) return { name: "CompleteMultipartUpload", actions: ["s3:PutObject"], creates: true, resource: "object" };
  if (method === "GET" && query.has("uploadId")) return { name: "ListParts", actions: ["s3:ListMultipartUploadParts"], creates: false, resource: "object" };
  if (method === "DELETE" && query.has("uploadId"))
    return { name: "AbortMultipartUpload", actions: ["s3:AbortMultipartUpload"], creates: false, resource: "object" };
  if (method === "PUT" && query.has("tagging")) return { name: "PutObjectTagging", actions: ["s3:PutObjectTagging"], creates: false, resource: "object" };
  if (method === "PUT" && headers["x-amz-copy-source"]) return { name: "CopyObject", actions: ["s3:PutObject"], creates: true, resource: "object" };
  if (method === "PUT") return { name: "PutObject", actions: ["s3:PutObject"], creates: true, resource: "object" };
  if (method === "GET" || method === "HEAD")
    return { name: method === "GET" ? "GetObject" : "HeadObject", actions: ["s3:GetObject"], creates: false, resource: "object" };
  if (method === "DELETE") return { name: "DeleteObject", actions: ["s3:DeleteObject"], creates: false, resource: "object" };
  return { name: `${method} object`, actions: [`s3:${method}`], creates: false, resource: "object" };
}

const header = (headers: IncomingMessage["headers"], name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "application/xml" });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

const xml = (v: string) => v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The vaults on loopback. `callers`: principals beyond the stack's workflow roles (the
 * break-glass principal, whose own policy the stack does not write), by ARN and policy.
 */
export async function startS3(world: World, callers: readonly WorldRole[] = []): Promise<S3Service> {
  const directory = mkdtempSync(path.join(tmpdir(), "tf-s3-"));
  const bucketRegion = new Map<string, string>();
  for (const [region, vault] of world.vaults) bucketRegion.set(vault.bucketArn.replace(/^arn:[^:]+:s3:::/, ""), region);
  const roles = new Map<string, WorldRole>();
  for (const role of [world.writer, world.reader, world.migrator, world.operator, ...callers]) {
    if (!role) continue;
    const keyId = role.arn.split("/").pop()!;
    roles.set(keyId, role);
    DUMMY_ACCOUNT.createKeyPair(keyId, `secret-${keyId}`);
  }
  // s3rver takes a port number: another file may take a free one first, so try again on a clash.
  let backend: InstanceType<typeof S3rver> | undefined;
  let backendPort = 0;
  for (let attempt = 1; !backend; attempt++) {
    backendPort = await freePort();
    const candidate = new S3rver({
      address: "127.0.0.1",
      port: backendPort,
      directory,
      silent: true,
      vhostBuckets: false,
      configureBuckets: [...bucketRegion.keys()].map((name) => ({ name })),
    });
    try {
      await candidate.run();
      backend = candidate;
    } catch (e) {
      if (attempt >= 5 || !/EADDRINUSE/.test(String(e))) throw e;
    }
  }
  const calls: S3Call[] = [];
  const ssmCalls: SsmCall[] = [];
  const parameters = new Map<string, string>();
  const ssm = async (req: IncomingMessage, res: ServerResponse, target: string, keyId: string) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(Buffer.from(c));
    const body = JSON.parse(Buffer.concat(chunks).toString() || "{}") as { Name?: string; WithDecryption?: boolean };
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\/ssm\//.exec(header(req.headers, "authorization") ?? "")?.[1] ?? "";
    const name = String(body.Name ?? "");
    const answer = (status: number, payload: object, decisions: SsmCall["decisions"] = []) => {
      ssmCalls.push({ role: keyId, operation: target, region, name, decisions, status });
      res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify(payload));
    };
    const role = roles.get(keyId);
    if (target !== "GetParameter") return answer(400, { __type: "InvalidAction", message: `the stand-in serves GetParameter only, not ${target}` });
    if (!role) return answer(400, { __type: "UnrecognizedClientException", message: `unknown caller ${keyId}` });
    const decisions = ssmRead(world, region, asCaller(role), name);
    if (decisions[0].decision !== "allow")
      return answer(
        400,
        {
          __type: "AccessDeniedException",
          message: `User: ${role.arn} is not authorized to perform: ssm:GetParameter on resource: ${name} because no identity-based policy allows the ssm:GetParameter action`,
        },
        decisions,
      );
    const value = parameters.get(`${region}\u0000${name}`);
    if (value === undefined) return answer(400, { __type: "ParameterNotFound", message: "" }, decisions);
    if (body.WithDecryption && decisions.some((d) => d.decision !== "allow")) {
      return answer(
        400,
        { __type: "AccessDeniedException", message: `User: ${role.arn} is not authorized to perform: kms:Decrypt (through SSM) on the key of ${name}` },
        decisions,
      );
    }
    return answer(
      200,
      {
        Parameter: {
          Name: name,
          Type: "SecureString",
          Value: body.WithDecryption ? value : "(encrypted)",
          Version: 1,
          ARN: world.credentials.get(region)?.parameters.get(name) ?? "",
        },
      },
      decisions,
    );
  };
  const listParts = (res: ServerResponse, bucket: string, key: string, uploadId: string) => {
    const dir = path.join(backend.store.getResourcePath(bucket, undefined, "uploads"), uploadId);
    if (!/^[0-9a-f]+$/.test(uploadId) || !existsSync(dir)) return s3Error(res, 404, "NoSuchUpload", "The specified upload does not exist.");
    const parts = readdirSync(dir)
      .filter((f) => /^\d+$/.test(f))
      .map(Number)
      .sort((a, b) => a - b)
      .map(
        (n) =>
          `<Part><PartNumber>${n}</PartNumber><LastModified>${statSync(path.join(dir, String(n))).mtime.toISOString()}</LastModified><ETag>&quot;${readFileSync(path.join(dir, `${n}.md5`), "utf8")}&quot;</ETag><Size>${statSync(path.join(dir, String(n))).size}</Size></Part>`,
      );
    res.writeHead(200, { "content-type": "application/xml" });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${uploadId}</UploadId><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>${parts.length}</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>${parts.join("")}</ListPartsResult>`,
    );
  };

  /**
   * ListObjectVersions with a delimiter, as S3 documents it
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html, "delimiter",
   * "CommonPrefixes", "MaxKeys"): the keys that hold the delimiter after the prefix are grouped
   * by what lies up to its first occurrence into one CommonPrefixes element each, returned
   * nowhere else, and each group counts as one result against max-keys; results come in key
   * order, and a truncated page's NextKeyMarker is its last key or common prefix, after which
   * the next page goes on (a common prefix's keys are not listed again). Every object is its
   * one `null` version, as in the listing without a delimiter.
   */
  const listVersionsByDelimiter = async (bucket: string, query: URLSearchParams, res: ServerResponse) => {
    const prefix = query.get("prefix") ?? "";
    const delimiter = query.get("delimiter")!;
    const marker = query.get("key-marker") ?? "";
    const max = Math.min(Number(query.get("max-keys") ?? 1000) || 1000, 1000);
    const listed = await backend.store.listObjects(bucket, { prefix, startAfter: marker });
    const objects = (listed.objects ?? []) as { key: string; lastModifiedDate: Date; metadata: Record<string, string> }[];
    const results: ({ key: string; object: (typeof objects)[number] } | { key: string; common: true })[] = [];
    for (const o of objects) {
      if (marker.endsWith(delimiter) && o.key.startsWith(marker)) continue;
      const at = o.key.indexOf(delimiter, prefix.length);
      if (at === -1) results.push({ key: o.key, object: o });
      else if (results.at(-1)?.key !== o.key.slice(0, at + delimiter.length)) results.push({ key: o.key.slice(0, at + delimiter.length), common: true });
    }
    const page = results.slice(0, max);
    const truncated = results.length > max;
    const body = page.map((r) =>
      "common" in r
        ? `<CommonPrefixes><Prefix>${xml(r.key)}</Prefix></CommonPrefixes>`
        : `<Version><Key>${xml(r.key)}</Key><VersionId>null</VersionId><IsLatest>true</IsLatest><LastModified>${new Date(r.object.lastModifiedDate).toISOString()}</LastModified><ETag>&quot;${(r.object.metadata.etag ?? "").replace(/"/g, "")}&quot;</ETag><Size>${r.object.metadata["content-length"] ?? 0}</Size><StorageClass>STANDARD</StorageClass></Version>`,
    );
    res.writeHead(200, { "content-type": "application/xml" });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult><Name>${bucket}</Name><Prefix>${xml(prefix)}</Prefix><Delimiter>${xml(delimiter)}</Delimiter><KeyMarker>${xml(marker)}</KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextKeyMarker>${xml(page.at(-1)!.key)}</NextKeyMarker><NextVersionIdMarker>null</NextVersionIdMarker>` : ""}${body.join("")}</ListVersionsResult>`,
    );
  };
  const gateway: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://gateway");
      const target = /^AmazonSSM\.(\w+)$/.exec(header(req.headers, "x-amz-target") ?? "");
      if (target) return ssm(req, res, target[1], /Credential=([^/]+)\//.exec(header(req.headers, "authorization") ?? "")?.[1] ?? "");
      const [, bucket = "", ...rest] = url.pathname.split("/");
      const key = rest.length ? decodeURIComponent(rest.join("/")) : undefined;
      const op = operationOf(req.method ?? "GET", key, url.searchParams, req.headers);
      // A presigned URL carries its credential in the query (X-Amz-Credential), a signed request in its header.
      const keyId =
        /Credential=([^/]+)\//.exec(header(req.headers, "authorization") ?? "")?.[1] ?? url.searchParams.get("X-Amz-Credential")?.split("/")[0] ?? "";
      const role = roles.get(keyId);
      const region = bucketRegion.get(bucket);
      const record = (decisions: S3Call["decisions"], status: number) => calls.push({ role: keyId, operation: op.name, bucket, key, decisions, status });
      if (!role || !region) {
        record([], 403);
        return s3Error(res, 403, "AccessDenied", role ? `no vault ${bucket}` : `unknown caller ${keyId}`);
      }
      const vault = world.vaults.get(region)!;
      const context: RequestContext = {
        "s3:ObjectCreationOperation": op.creates,
        ...(header(req.headers, "if-none-match") ? { "s3:if-none-match": header(req.headers, "if-none-match")! } : {}),
        ...(header(req.headers, "x-amz-server-side-encryption")
          ? { "s3:x-amz-server-side-encryption": header(req.headers, "x-amz-server-side-encryption")! }
          : {}),
        ...(header(req.headers, "x-amz-server-side-encryption-aws-kms-key-id")
          ? { "s3:x-amz-server-side-encryption-aws-kms-key-id": header(req.headers, "x-amz-server-side-encryption-aws-kms-key-id")! }
          : {}),
        ...(header(req.headers, "x-amz-copy-source") ? { "s3:x-amz-copy-source": header(req.headers, "x-amz-copy-source")! } : {}),
        ...(op.resource === "bucket" ? { "s3:prefix": url.searchParams.get("prefix") ?? "" } : {}),
        // The condition key S3 sets for a listing with a delimiter (https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html).
        ...(op.resource === "bucket" && url.searchParams.get("delimiter") ? { "s3:delimiter": url.searchParams.get("delimiter")! } : {}),
      };
      const resource = op.resource === "bucket" ? vault.bucketArn : `${vault.bucketArn}/${key}`;
      const decisions: { action: string; decision: Decision }[] = op.actions.map((action) => ({
        action,
        decision: s3(world, region, asCaller(role), action, resource, context),
      }));
      // SSE-KMS: S3 asks KMS on the caller's behalf (a data key to write, Decrypt to read or to add parts).
      if (vault.keyArn) {
        const kmsActions =
          op.name === "GetObject" || op.name === "HeadObject"
            ? ["kms:Decrypt"]
            : ["PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"].includes(op.name)
              ? ["kms:GenerateDataKey", ...(op.name === "PutObject" ? [] : ["kms:Decrypt"])]
              : [];
        for (const action of kmsActions) decisions.push({ action, decision: kms(world, region, asCaller(role), action, true) });
      }
      if (decisions.some((d) => d.decision !== "allow")) {
        record(decisions, 403);
        req.resume();
        return s3Error(res, 403, "AccessDenied", `${keyId} may not ${op.name} ${resource}: ${decisions.map((d) => `${d.action} ${d.decision}`).join(", ")}`);
      }
      if (op.name === "ListObjectVersions" && url.searchParams.get("delimiter")) {
        record(decisions, 200);
        return listVersionsByDelimiter(bucket, url.searchParams, res);
      }
      if (op.name === "ListObjectVersions") {
        record(decisions, 200);
        const prefix = url.searchParams.get("prefix") ?? "";
        const max = Math.min(Number(url.searchParams.get("max-keys") ?? 1000) || 1000, 1000);
        const listed = await backend.store.listObjects(bucket, { prefix, startAfter: url.searchParams.get("key-marker") ?? "", maxKeys: max + 1 });
        const objects = (listed.objects ?? []) as { key: string; lastModifiedDate: Date; metadata: Record<string, string> }[];
        const page = objects.slice(0, max);
        const truncated = objects.length > max;
        const versions = page.map(
          (o) =>
            `<Version><Key>${xml(o.key)}</Key><VersionId>null</VersionId><IsLatest>true</IsLatest><LastModified>${new Date(o.lastModifiedDate).toISOString()}</LastModified><ETag>&quot;${(o.metadata.etag ?? "").replace(/"/g, "")}&quot;</ETag><Size>${o.metadata["content-length"] ?? 0}</Size><StorageClass>STANDARD</StorageClass></Version>`,
        );
        res.writeHead(200, { "content-type": "application/xml" });
        return res.end(
          `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult><Name>${bucket}</Name><Prefix>${xml(prefix)}</Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextKeyMarker>${xml(page.at(-1)!.key)}</NextKeyMarker><NextVersionIdMarker>null</NextVersionIdMarker>` : ""}${versions.join("")}</ListVersionsResult>`,
        );
      }
      if (op.name === "DeleteObjects") {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(Buffer.from(c));
        const text = Buffer.concat(chunks).toString();
        const bypass = header(req.headers, "x-amz-bypass-governance-retention") === "true";
        const entries = [...text.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map((m) => ({
          key: (/<Key>([\s\S]*?)<\/Key>/.exec(m[1])?.[1] ?? "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"),
          version: /<VersionId>([\s\S]*?)<\/VersionId>/.exec(m[1])?.[1],
        }));
        const deleted: string[] = [];
        const errors: string[] = [];
        for (const e of entries) {
          const objectArn = `${vault.bucketArn}/${e.key}`;
          const actions = ["s3:DeleteObject", ...(e.version ? ["s3:DeleteObjectVersion"] : []), ...(bypass ? ["s3:BypassGovernanceRetention"] : [])];
          const perKey = actions.map((action) => ({ action, decision: s3(world, region, asCaller(role), action, objectArn, context) }));
          calls.push({
            role: keyId,
            operation: "DeleteObjects",
            bucket,
            key: e.key,
            decisions: perKey,
            status: perKey.every((d) => d.decision === "allow") ? 200 : 403,
          });
          if (perKey.some((d) => d.decision !== "allow")) {
            errors.push(
              `<Error><Key>${xml(e.key)}</Key>${e.version ? `<VersionId>${e.version}</VersionId>` : ""}<Code>AccessDenied</Code><Message>Access Denied</Message></Error>`,
            );
            continue;
          }
          await backend.store.deleteObject(bucket, e.key);
          deleted.push(`<Deleted><Key>${xml(e.key)}</Key>${e.version ? `<VersionId>${e.version}</VersionId>` : ""}</Deleted>`);
        }
        res.writeHead(200, { "content-type": "application/xml" });
        const quiet = /<Quiet>true<\/Quiet>/.test(text);
        return res.end(`<?xml version="1.0" encoding="UTF-8"?><DeleteResult>${quiet ? "" : deleted.join("")}${errors.join("")}</DeleteResult>`);
      }
      if (op.creates && header(req.headers, "if-none-match") === "*" && (await backend.store.existsObject(bucket, key))) {
        record(decisions, 412);
        req.resume();
        return s3Error(res, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
      }
      if (op.name === "UploadPart" && service.loseNextPart) {
        service.loseNextPart = false;
        for await (const _ of req) void _;
        record(decisions, 200);
        res.writeHead(200, { etag: '"00000000000000000000000000000000"' });
        return res.end();
      }
      if (op.name === "ListParts") {
        record(decisions, 200);
        return listParts(res, bucket, key!, url.searchParams.get("uploadId") ?? "");
      }
      const headers = { ...req.headers };
      delete headers.expect;
      let body: Buffer | undefined;
      const md5 = header(req.headers, "content-md5");
      if (md5) {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(Buffer.from(c));
        body = Buffer.concat(chunks);
        if (createHash("md5").update(body).digest("base64") !== md5) {
          record(decisions, 400);
          return s3Error(res, 400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
        }
      }
      const upstream = httpRequest({ host: "127.0.0.1", port: backendPort, method: req.method, path: req.url, headers }, (answer) => {
        record(decisions, answer.statusCode ?? 0);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", (e) => s3Error(res, 502, "InternalError", e.message));
      if (body) upstream.end(body);
      else req.pipe(upstream);
    })().catch((e: unknown) => s3Error(res, 500, "InternalError", String(e)));
  });
  // Port 0: the kernel picks a free port and this server holds it at once (files run in parallel).
  await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
  const port = (gateway.address() as { port: number }).port;

  const service: S3Service = {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    ssmCalls,
    putParameter(region, name, value) {
      parameters.set(`${region}\u0000${name}`, value);
    },
    loseNextPart: false,
    credentialsFor(roleArn) {
      const keyId = roleArn.split("/").pop()!;
      if (!roles.has(keyId)) throw new Error(`no role ${roleArn} in the stack`);
      return { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: `secret-${keyId}` };
    },
    async list(bucket) {
      const out = await backend.store.listObjects(bucket, { maxKeys: 100000 });
      return (out.objects ?? []).map((o: { key: string; metadata: Record<string, string> }) => ({ key: o.key, size: Number(o.metadata["content-length"]) }));
    },
    async read(bucket, key) {
      const object = await backend.store.getObject(bucket, key);
      const chunks: Buffer[] = [];
      for await (const c of object.content) chunks.push(Buffer.from(c));
      return Buffer.concat(chunks);
    },
    async plant(bucket, key, body) {
      const { Readable } = await import("node:stream");
      const content = Buffer.from(body);
      await backend.store.putObject(
        new S3Object(bucket, key, Readable.from([content]), { "content-type": "application/octet-stream", "content-length": String(content.length) }),
      );
    },
    async stop() {
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
      await backend.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  return service;
}
