/** `import text from './file?raw'`: the file's contents (see src/plugins/raw-source.ts). */
declare module '*?raw' {
  const text: string;
  export default text;
}
