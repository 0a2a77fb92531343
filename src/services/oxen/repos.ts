// Creating, replacing and deleting fixture repositories, and restoring the bundled ones.
import type { OxenStore, RepoData } from '../../storage/oxen-store.js';
import { buildRepoData, describeRepo, type ReadBeside } from './repo-builder.js';
import { inFixture } from '../document-error.js';
import { parseRepoDoc } from './repo-document.js';

export interface FixtureSource {
  source: string;
  doc: unknown;
  readBeside: ReadBeside;
}

export class RepoService {
  /** Built once: a reset writes the same rows again without re-reading or re-classifying files. */
  private bundled: RepoData[] | undefined;

  constructor(
    private readonly store: OxenStore,
    private readonly fixtures: () => FixtureSource[],
  ) {}

  /** Creates or replaces a repository from an untrusted document. Throws DocumentError when bad. */
  async createRepo(input: unknown, readBeside?: ReadBeside) {
    const doc = parseRepoDoc(input);
    const data = await buildRepoData(doc, readBeside);
    this.store.replaceRepo(data);
    return describeRepo(doc, data);
  }

  /** Every repository with its branches, head branch first (the landing page). */
  list(): Array<{ namespace: string; name: string; headBranch: string; branches: string[] }> {
    return this.store.listRepos().map((repo) => {
      const names = this.store.listBranches(repo.id).map((b) => b.name);
      return {
        namespace: repo.namespace,
        name: repo.name,
        headBranch: repo.head_branch,
        branches: [repo.head_branch, ...names.filter((n) => n !== repo.head_branch)],
      };
    });
  }

  deleteRepo(namespace: string, name: string): boolean {
    return this.store.deleteRepo(namespace, name);
  }

  /** Empties the store and loads the bundled fixtures (a fixture that fails names its file). */
  async reset(): Promise<void> {
    if (!this.bundled) {
      const built = await Promise.all(
        this.fixtures().map(async (fixture) => {
          try {
            return await buildRepoData(parseRepoDoc(fixture.doc), fixture.readBeside);
          } catch (error) {
            throw inFixture(fixture.source, error);
          }
        }),
      );
      this.bundled = built;
    }
    const bundled = this.bundled;
    this.store.atomically(() => {
      this.store.clear();
      for (const data of bundled) this.store.replaceRepo(data);
    });
  }

  /** Reads the fixture files again (they changed), then resets to them; on an error nothing changes. */
  async reload(): Promise<void> {
    const previous = this.bundled;
    this.bundled = undefined;
    try {
      await this.reset();
    } catch (error) {
      this.bundled = previous;
      throw error;
    }
  }

  /** Loads the fixtures only into an empty store, so a file database keeps what it had across restarts. */
  async loadIfEmpty(): Promise<void> {
    if (this.store.listRepos().length === 0) await this.reset();
  }
}
