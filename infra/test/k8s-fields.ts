// Fields a manifest sets that its Kubernetes schema does not have (a misspelt `readinessProbe` is silently ignored by
// the kubernetes-models validators, as by JSON Schema, but refused by `kubectl apply`, whose field validation is
// strict). The field names come from the TypeScript declarations kubernetes-models ships, read with the compiler API.
import path from 'node:path'
import ts from 'typescript'
import { repoRoot } from './repository.ts'

/** apiVersion/kind → the module and interface that declare it. */
export type KindDeclarations = Record<string, { module: string; name: string }>

export type UnknownFields = (kind: string, manifest: unknown) => string[]

export function unknownFieldChecker(kinds: KindDeclarations): UnknownFields {
  // A source file that exists only in memory, in the repository so that kubernetes-models resolves from node_modules.
  const probe = path.join(repoRoot, 'infra/test/kinds.probe.ts')
  const entries = Object.entries(kinds)
  const source = [
    ...entries.map(([, { module, name }], index) => `import type { ${name} as Kind${index} } from '${module}'`),
    'export interface Kinds {',
    ...entries.map(([kind], index) => `  '${kind}': Kind${index}`),
    '}',
  ].join('\n')
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  }
  const host = ts.createCompilerHost(options)
  const { getSourceFile, fileExists, readFile } = host
  host.getSourceFile = (fileName, language, ...rest) =>
    fileName === probe ? ts.createSourceFile(fileName, source, language) : getSourceFile.call(host, fileName, language, ...rest)
  host.fileExists = (fileName) => fileName === probe || fileExists.call(host, fileName)
  host.readFile = (fileName) => (fileName === probe ? source : readFile.call(host, fileName))
  const program = ts.createProgram([probe], options, host)
  const file = program.getSourceFile(probe)
  const diagnostics = file ? program.getSemanticDiagnostics(file) : []
  if (!file || diagnostics.length > 0) {
    throw new Error(
      `cannot read the kubernetes-models declarations: ${diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ')}`,
    )
  }
  const checker = program.getTypeChecker()
  const kindsSymbol = checker.getSymbolAtLocation(file)?.exports?.get(ts.escapeLeadingUnderscores('Kinds'))
  if (!kindsSymbol) throw new Error('no Kinds in the probe')
  const kindsType = checker.getDeclaredTypeOfSymbol(kindsSymbol)

  const walk = (type: ts.Type, value: unknown, at: string, found: string[]): void => {
    if (value === null || typeof value !== 'object') return
    const declared = checker.getNonNullableType(type)
    if (declared.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return
    if (Array.isArray(value)) {
      const element = declared.getNumberIndexType()
      if (element) for (const [index, item] of value.entries()) walk(element, item, `${at}[${index}]`, found)
      return
    }
    for (const [key, child] of Object.entries(value)) {
      const property = declared.getProperty(key)
      const index = property ? undefined : checker.getIndexInfoOfType(declared, ts.IndexKind.String)
      if (property) walk(checker.getTypeOfSymbol(property), child, `${at}.${key}`, found)
      else if (index) walk(index.type, child, `${at}.${key}`, found)
      else found.push(`${at}.${key}`)
    }
  }

  return (kind, manifest) => {
    const property = kindsType.getProperty(kind)
    if (!property) throw new Error(`no declaration for ${kind}`)
    const found: string[] = []
    walk(checker.getTypeOfSymbol(property), manifest, '', found)
    return found.map((field) => field.replace(/^\./, ''))
  }
}
