// Types of transcripts.mjs (plain JavaScript so that `node test/transcripts.mjs --write` runs it alone).

/** The pages with transcript blocks (```text transcript="<id>"), relative to the repository root. */
export declare const PAGES: string[];
/** The job name and step names of the shipped infra template for a run of `application` to `environment`. */
export declare function templateJob(
  application: string,
  environment: string,
): { name: string; steps: string[] };
/** Runs the story with the built CLI against the testkit peers: each block's text by id. */
export declare function runStory(): Promise<Record<string, string>>;
/** The transcript blocks of a page. */
export declare function pageTranscripts(markdown: string): { id: string; text: string }[];
/** The page with its transcript blocks replaced. */
export declare function rewritePage(markdown: string, transcripts: Record<string, string>): string;
/** Durations, dates and times replaced by placeholders. */
export declare function normalise(text: string): string;
