import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AddSshKeyInput, SshKeyFileImport, SshKeyPreview, SshKeySummary } from '../../../src-preload/contract/ssh-keys.ts'
import { getApi, unwrap } from '../api.ts'

/** The signed-in account's SSH keys. Parsing and every rule live in main; this only calls the contract. */
export const useSshKeysStore = defineStore('sshKeys', () => {
  const items = ref<SshKeySummary[]>([])
  const isLoaded = ref(false)

  async function load(): Promise<void> {
    items.value = await unwrap(getApi().sshKeys.list())
    isLoaded.value = true
  }

  function inspect(publicKey: string): Promise<SshKeyPreview> {
    return unwrap(getApi().sshKeys.inspect({ publicKey }))
  }

  async function add(input: AddSshKeyInput): Promise<SshKeySummary> {
    const added = await unwrap(getApi().sshKeys.add(input))
    items.value = [...items.value, added]
    return added
  }

  async function remove(id: number): Promise<void> {
    await unwrap(getApi().sshKeys.delete({ id }))
    items.value = items.value.filter((key) => key.id !== id)
  }

  function copy(id: number): Promise<null> {
    return unwrap(getApi().sshKeys.copyPublicKey({ id }))
  }

  function importFromFile(dialogTitle: string): Promise<SshKeyFileImport | null> {
    return unwrap(getApi().sshKeys.importFromFile({ dialogTitle }))
  }

  function exportAuthorizedKeys(dialogTitle: string): Promise<{ fileName: string; count: number } | null> {
    return unwrap(getApi().sshKeys.exportAuthorizedKeys({ dialogTitle }))
  }

  return { items, isLoaded, load, inspect, add, remove, copy, importFromFile, exportAuthorizedKeys }
})
