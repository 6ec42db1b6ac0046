// The proof of work of the public forms (the ALTCHA protocol): fetch a
// challenge, find the number whose SHA-256 with the salt is the challenge,
// and put the answer in the form's "proof" field before it is sent. Web
// Crypto is used where the page is a secure context; elsewhere (a phone on
// plain HTTP inside an intranet) the small SHA-256 below does the work.
(function () {
  "use strict";
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];
  // sha256hex hashes an ASCII string (the salt and a number are ASCII).
  function sha256hex(s) {
    var n = s.length, words = [], i, j;
    for (i = 0; i < n; i++) words[i >> 2] |= s.charCodeAt(i) << (24 - (i % 4) * 8);
    words[n >> 2] |= 0x80 << (24 - (n % 4) * 8);
    var len = ((n + 8) >> 6) * 16 + 16;
    for (i = words.length; i < len; i++) words[i] = words[i] | 0;
    words[len - 1] = n * 8;
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19], w = new Array(64);
    for (i = 0; i < len; i += 16) {
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (j = 0; j < 64; j++) {
        if (j < 16) w[j] = words[i + j] | 0;
        else {
          var x = w[j - 15], y = w[j - 2];
          w[j] = (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w[j - 7] + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) + w[j - 16] | 0;
        }
        var t1 = k + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[j] + w[j] | 0;
        var t2 = (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c)) | 0;
        k = g; g = f; f = e; e = d + t1 | 0; d = c; c = b; b = a; a = t1 + t2 | 0;
      }
      h[0] = h[0] + a | 0; h[1] = h[1] + b | 0; h[2] = h[2] + c | 0; h[3] = h[3] + d | 0;
      h[4] = h[4] + e | 0; h[5] = h[5] + f | 0; h[6] = h[6] + g | 0; h[7] = h[7] + k | 0;
    }
    var out = "";
    for (i = 0; i < 8; i++) out += ("00000000" + (h[i] >>> 0).toString(16)).slice(-8);
    return out;
  }
  function hex(buf) {
    var b = new Uint8Array(buf), s = "";
    for (var i = 0; i < b.length; i++) s += ("0" + b[i].toString(16)).slice(-2);
    return s;
  }
  function solve(ch) {
    var subtle = window.crypto && window.crypto.subtle && window.isSecureContext;
    if (!subtle) {
      for (var n = 0; n <= ch.maxnumber; n++) if (sha256hex(ch.salt + n) === ch.challenge) return Promise.resolve(n);
      return Promise.reject(new Error("unsolved"));
    }
    var enc = new TextEncoder();
    // In batches, so that a phone's page stays responsive.
    function batch(from) {
      var tries = [];
      for (var n = from; n < from + 500 && n <= ch.maxnumber; n++) tries.push(window.crypto.subtle.digest("SHA-256", enc.encode(ch.salt + n)));
      return Promise.all(tries).then(function (hs) {
        for (var i = 0; i < hs.length; i++) if (hex(hs[i]) === ch.challenge) return from + i;
        if (from + 500 > ch.maxnumber) throw new Error("unsolved");
        return batch(from + 500);
      });
    }
    return batch(0);
  }
  function arm(form) {
    var status = form.querySelector("[data-pow-status]"), proof = form.querySelector("input[name=proof]"), button = form.querySelector("button[type=submit]");
    function say(t, state) { if (status) { status.textContent = t; status.dataset.state = state; } }
    if (button) button.disabled = true;
    say("正在进行安全验证(防止垃圾信息),请稍候……", "working");
    var started = Date.now();
    fetch("/api/v1/public/challenge", {credentials: "omit"}).then(function (r) { return r.json(); }).then(function (ch) {
      return solve(ch).then(function (n) {
        proof.value = btoa(JSON.stringify({algorithm: ch.algorithm, challenge: ch.challenge, number: n, salt: ch.salt, signature: ch.signature, took: Date.now() - started}));
        say("安全验证已完成,可以提交。", "done");
        if (button) button.disabled = false;
      });
    }).catch(function () {
      say("安全验证未能完成,请刷新页面重试。", "failed");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-pow]");
    for (var i = 0; i < forms.length; i++) arm(forms[i]);
  });
})();
