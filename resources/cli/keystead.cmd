@echo off
rem The `keystead` command of the installed app (the NSIS installer puts this folder on the user's PATH).
rem Runs the same command line as `npm install -g keystead` through the app's own executable.
"%~dp0Keystead.exe" --cli %*
exit /b %ERRORLEVEL%
