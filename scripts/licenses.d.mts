import type { Metafile } from "esbuild";

export interface NoticeText {
  file: string;
  text: string;
}
export interface BundledPackage {
  name: string;
  version: string;
  dir: string;
  license: string;
  texts: NoticeText[];
}
export const ALLOWED_LICENSES: string[];
export function packageDir(input: string): string | undefined;
export function bundledPackageDirs(metafile: Metafile): string[];
export function readPackage(root: string, dir: string): BundledPackage;
export function bundledPackages(root: string, metafile: Metafile): BundledPackage[];
export function disallowed(expression: string, allowed?: string[]): string[];
export function renderLicenses(packages: BundledPackage[]): string;
export function licenseProblems(packages: BundledPackage[], allowed?: string[]): string[];
