/**
 * Container images the generated workflows run, pinned by digest: the drill's Postgres
 * receives a tenant's data, so a moved tag must not change what runs. One place; a test
 * holds every `image:` of every generated workflow to a digest from here.
 *
 * The digests are the multi-platform index digests docker-library publishes for each
 * official tag (github.com/docker-library/repo-info, `repos/postgres/remote/<major>.md`,
 * read 2026-12-02 at commits 0b63eeca and 43ef3b07). To move to a newer build:
 * `docker buildx imagetools inspect postgres:<major>` and copy the top-level Digest.
 */

export interface PinnedImage {
  /** The tag the digest was published for, for people: the digest is what runs. */
  readonly tag: string;
  readonly digest: string;
}

export const POSTGRES_IMAGES: Readonly<Record<number, PinnedImage>> = Object.freeze({
  14: { tag: "14.24", digest: "sha256:816cf7d06ec33116c8f54cf14197085be89f25291686229485ee7d53a785b901" },
  15: { tag: "15.19", digest: "sha256:dfbbb0ad8cab91d41e99123664e37a9b25d0413426d4fb3154e4d668e5d35246" },
  16: { tag: "16.15", digest: "sha256:a3b7f434b2dc57ce85a67e171163eb8ab1a1ebcb39d27484661f26b1dfbe30d6" },
  17: { tag: "17.11", digest: "sha256:f4c66b820c6f974249089d3d16d86a3698eae11e8746eb6644b2271031e91232" },
  18: { tag: "18.6", digest: "sha256:1957b2ff3137e4ef7f3bc813e74fff50b1e1ffddc85c8b9d6f14ade972be8687" },
});

/** `postgres:17.11@sha256:…` for a Postgres major the catalog knows. */
export function postgresImage(major: number): string {
  const image = POSTGRES_IMAGES[major];
  if (!image) throw new Error(`internal: no pinned postgres image for major ${major}; add it to src/plan/repository/images.ts`);
  return `postgres:${image.tag}@${image.digest}`;
}

/** An image reference pinned by a sha256 digest. */
export const PINNED_IMAGE = /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?@sha256:[0-9a-f]{64}$/;
