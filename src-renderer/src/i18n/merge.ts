export type MessageTree = { [key: string]: string | MessageTree }

function mergeInto(target: MessageTree, source: MessageTree): MessageTree {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key]
    if (typeof value === 'object' && typeof existing === 'object') mergeInto(existing, value)
    else target[key] = typeof value === 'object' ? mergeInto({}, value) : value
  }
  return target
}

/** One language's messages from its domain files (./messages/<locale>/<domain>.ts); later domains add to earlier ones. */
export function mergeMessageTrees(domains: MessageTree[]): MessageTree {
  return domains.reduce<MessageTree>((merged, domain) => mergeInto(merged, domain), {})
}
