import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { DeleteAccountInput, Profile, UpdateProfileInput } from '../../../src-preload/contract/profile.ts'
import { getApi, unwrap } from '../api.ts'
import { useSessionStore } from './session.ts'

/** The signed-in account's profile (with its picture) and the actions of the Profile screen. */
export const useProfileStore = defineStore('profile', () => {
  const session = useSessionStore()
  const profile = ref<Profile | null>(null)
  const timezones = ref<string[]>([])
  const pictureUrl = computed(() => profile.value?.pictureUrl ?? null)

  async function load(): Promise<Profile> {
    profile.value = await unwrap(getApi().profile.getProfile())
    return profile.value
  }

  // A new account in this window: forget the last one's profile, load this one's (the header shows its picture).
  watch(
    () => session.account?.id ?? null,
    (id) => {
      profile.value = null
      if (id !== null) void load().catch(() => {})
    },
    { immediate: true },
  )

  async function loadTimezones(): Promise<string[]> {
    if (timezones.value.length === 0) timezones.value = await unwrap(getApi().profile.listTimezones())
    return timezones.value
  }

  /** Saves every field; the session's account (language, time zone, names) follows at once. */
  async function save(input: UpdateProfileInput): Promise<Profile> {
    profile.value = await unwrap(getApi().profile.updateProfile(input))
    await session.refreshAccount()
    return profile.value
  }

  /** Main checks every field (taken names too) and saves nothing; throws its refusal with all fields. */
  async function check(input: UpdateProfileInput): Promise<void> {
    await unwrap(getApi().profile.updateProfile({ ...input, checkOnly: true }))
  }

  /** Native open dialog; false when the user cancelled. */
  async function choosePicture(): Promise<boolean> {
    const next = await unwrap(getApi().profile.choosePicture())
    if (next) profile.value = next
    return next !== null
  }

  async function uploadPicture(base64: string): Promise<void> {
    profile.value = await unwrap(getApi().profile.setPicture({ data: base64 }))
  }

  async function removePicture(): Promise<void> {
    profile.value = await unwrap(getApi().profile.removePicture())
  }

  async function deleteAccount(input: DeleteAccountInput): Promise<void> {
    await unwrap(getApi().profile.deleteAccount(input))
    session.markSignedOut('account-deleted')
    await session.refreshSignInHints()
  }

  return { profile, timezones, pictureUrl, load, loadTimezones, save, check, choosePicture, uploadPicture, removePicture, deleteAccount }
})
