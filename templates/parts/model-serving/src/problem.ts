import type { Response } from 'express';

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { path: string; message: string }[];
  /** Extension member of /readyz: each dependency's state. */
  checks?: Record<string, { status: string; error?: string }>;
}

/** RFC 9457 problem details, the platform's only error format. */
export function sendProblem(res: Response, problem: Problem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ type: 'about:blank', ...problem });
}
