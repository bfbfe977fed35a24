#!/usr/bin/env bash
# Statement PDFs set their Chinese text in WenQuanYi Micro Hei from Debian's
# fonts-wqy-microhei (settings.STATEMENT_PDF_FONT), embedded in each PDF.
set -euo pipefail
FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
if [ -f "$FONT" ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's fonts-wqy-microhei for the statement PDFs..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null
  exit 0
fi
echo "error: $FONT is missing. Install it with: sudo apt-get install -y fonts-wqy-microhei" >&2
exit 1
