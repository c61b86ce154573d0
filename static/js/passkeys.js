// After a passkey is registered, confirm the sign-in with it (the second-factor page).
document.addEventListener("otp_webauthn.register_complete", () => {
  const section = document.querySelector("[data-passkey-done]");
  if (section) {
    window.location.assign(section.dataset.passkeyDone);
  }
});
