// Security keys (WebAuthn): register one (enrolment, the security page) or log in with one (the code page).
// An extra for browsers that have the JSON helpers; without them, or without JavaScript, the section stays hidden
// and the code form is the way in. The wording comes from the page (data-text-*: translated in the template);
// the server's refusals come translated in its JSON answer.
(function () {
  var box = document.querySelector("[data-webauthn]");
  var PKC = window.PublicKeyCredential;
  if (!box || !PKC || !navigator.credentials) return;
  var registering = box.getAttribute("data-webauthn") === "register";
  if (typeof (registering ? PKC.parseCreationOptionsFromJSON : PKC.parseRequestOptionsFromJSON) !== "function") return;
  var button = box.querySelector("button");
  var status = box.querySelector("[role=status]");
  var nameField = box.querySelector("input[name=key_name]");

  function say(text) { status.textContent = text; }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": box.getAttribute("data-csrf") },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (data.redirect) { window.location.assign(data.redirect); return null; }
        if (!response.ok) throw new Error(data.error || box.getAttribute("data-text-failed"));
        return data;
      });
    });
  }

  async function run() {
    var name = nameField ? nameField.value : undefined;
    var options = await post(box.getAttribute("data-options-url"), { name: name });
    if (!options) return;
    say(box.getAttribute("data-text-wait"));
    var credential;
    try {
      credential = registering
        ? await navigator.credentials.create({ publicKey: PKC.parseCreationOptionsFromJSON(options) })
        : await navigator.credentials.get({ publicKey: PKC.parseRequestOptionsFromJSON(options) });
    } catch (error) {
      throw new Error(box.getAttribute("data-text-cancelled"));
    }
    await post(box.getAttribute("data-finish-url"), { name: name, credential: credential.toJSON() });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("");
    run().catch(function (error) {
      say(error.message || box.getAttribute("data-text-failed"));
    }).finally(function () { button.disabled = false; });
  });
  box.hidden = false;
})();
