import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { SettingsPatch, SettingsView, Theme } from '../../../src-preload/contract/settings.ts'
import { getApi, unwrap } from '../api.ts'

/** Shows the chosen theme: the CSS follows `data-theme`, or the OS when it is absent. The start-up state brings the saved one. */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme
  else document.documentElement.dataset.theme = theme
}

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<SettingsView | null>(null)

  async function load(): Promise<SettingsView> {
    settings.value = await unwrap(getApi().settings.getSettings())
    applyTheme(settings.value.theme)
    return settings.value
  }

  async function update(patch: SettingsPatch): Promise<SettingsView> {
    settings.value = await unwrap(getApi().settings.updateSettings(patch))
    applyTheme(settings.value.theme)
    return settings.value
  }

  async function copyCurlExample(): Promise<void> {
    await unwrap(getApi().settings.copyCurlExample())
  }

  return { settings, load, update, copyCurlExample }
})
