import { Layout, renderDocument } from './layout.tsx';
import type { PageLinks } from './links.ts';

export interface ErrorPageModel {
  links: PageLinks;
  status: number;
  /** The error's message, safe to show (it never holds a stack trace). */
  message: string;
}

const HEADINGS: Record<number, string> = {
  400: 'That address is not quite right',
  404: 'Not found',
  405: 'Not allowed',
  410: 'Retracted',
  500: 'Something went wrong',
};

const EXPLANATIONS: Record<number, string> = {
  400: 'A part of the address is malformed.',
  404: 'There is no such story, version or source.',
  410: 'This story or version was withdrawn by its publisher.',
  500: 'The server could not answer. Try again in a moment.',
};

/** Renders the HTML page of a failed page request (400, 404, 410, …). */
export function renderErrorPage(model: ErrorPageModel): string {
  const heading = HEADINGS[model.status] ?? 'Something went wrong';
  return renderDocument(
    <Layout title={heading} links={model.links} feeds={[]}>
      <p class="error-code">Error {model.status}</p>
      <h1>{heading}</h1>
      {EXPLANATIONS[model.status] === undefined ? null : <p>{EXPLANATIONS[model.status]}</p>}
      <p class="note">{model.message}</p>
      <p>
        <a href={model.links.home()}>Back to the latest stories</a>
      </p>
    </Layout>,
  );
}
