#!/bin/sh
# Keystead's AuthorizedKeysCommand for sshd, made by `keystead ssh install-command`.
# sshd runs it (as AuthorizedKeysCommandUser, the owner of the data folder) on every login attempt:
#   AuthorizedKeysCommand @WRAPPER_PATH@ %u %t %k
# It prints the authorized_keys lines of the Keystead account mapped to the system user %u (only the
# offered key's line, when it is one of them) and nothing otherwise. It only reads the data folder.
# sshd requires this file and every folder above it to be owned by root and writable by no one else.
# Node keeps its compiled copy of Keystead's TypeScript here (owned by AuthorizedKeysCommandUser, 0700),
# so each call starts in little more than Node's own start-up time.
NODE_COMPILE_CACHE=@CACHE_DIR@
export NODE_COMPILE_CACHE
exec @NODE@ @LAUNCHER@ --data-dir @DATA_DIR@ ssh authorized-keys -- "$@"
