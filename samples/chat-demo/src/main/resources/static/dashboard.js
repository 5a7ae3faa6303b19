(function () {
  var $ = function (id) { return document.getElementById(id); };
  var pct = function (x) { return (100 * x).toFixed(1) + ' %'; };
  var ms = function (x) { return x < 10 ? x.toFixed(2) + ' ms' : Math.round(x) + ' ms'; };
  var time = function (t) { return new Date(t).toLocaleTimeString(); };

  function refresh() {
    fetch('/api/stats').then(function (r) { return r.json(); }).then(function (s) {
      var t = s.totals;
      $('model').textContent = s.model;
      $('tiers').textContent = s.tiers;
      $('hitRatio').textContent = pct(s.hitRatio);
      var byTier = s.hitRatioByTier;
      $('hitRatioByTier').textContent = 'L1 ' + pct(byTier.l1) + ' · L2 ' + pct(byTier.l2) + ' · semantic '
        + pct(byTier.semantic) + ' · in-flight ' + pct(byTier.coalesced);
      $('avoided').textContent = s.callsAvoided;
      $('calls').textContent = s.callsAvoided + s.modelCalls;
      $('made').textContent = s.modelCalls;
      $('hitLatency').textContent = ms(t.hitP50Millis) + ' / ' + ms(t.hitP99Millis);
      $('missLatency').textContent = ms(t.missP50Millis) + ' / ' + ms(t.missP99Millis);
      $('dollars').textContent = '$' + t.dollarsSaved.toFixed(6);
      $('tokens').textContent = (t.inputTokensSaved + t.outputTokensSaved) + ' (' + t.inputTokensSaved + ' in, '
        + t.outputTokensSaved + ' out)';
      var points = s.timeline;
      var maxCalls = Math.max.apply(null, points.map(function (p) { return Math.max(p.modelCalls, p.callsAvoided); }).concat([1]));
      lineChart($('chart'), [
        { values: points.map(function (p) { return 100 * p.hitRatio; }), color: '#2a9d8f', max: 100 },
        { values: points.map(function (p) { return p.modelCalls; }), color: '#e76f51', max: maxCalls },
        { values: points.map(function (p) { return p.callsAvoided; }), color: '#264653', max: maxCalls }
      ], points.length ? [time(points[0].time), time(points[points.length - 1].time)] : []);
    }).catch(function () { /* the next tick tries again */ });
  }

  function show(outcome, tier, detail, answer) {
    var el = $('outcome');
    var hit = outcome !== 'miss' && outcome !== 'bypass' && outcome !== 'error' && outcome !== 'hit?';
    el.className = 'outcome ' + (hit ? 'hit' : 'miss');
    el.dataset.outcome = outcome;
    el.textContent = (hit ? 'HIT' : 'MISS') + ' · ' + outcome + ' · ' + tier + (detail ? ' · ' + detail : '');
    $('answer').textContent = answer;
    var li = document.createElement('li');
    li.textContent = $('question').value + ' → ' + el.textContent;
    $('history').insertBefore(li, $('history').firstChild);
    refresh();
  }

  function ask(event) {
    event.preventDefault();
    var q = $('question').value, via = $('via').value;
    $('outcome').textContent = 'asking…';
    $('outcome').dataset.outcome = 'pending';
    if (via === 'stream') {
      var source = new EventSource('/api/ask/stream?q=' + encodeURIComponent(q));
      var text = '', started = performance.now();
      $('answer').textContent = '';
      source.addEventListener('chunk', function (e) { text += e.data; $('answer').textContent = text; });
      source.addEventListener('outcome', function (e) {
        source.close();
        show(e.data === 'hit' ? 'replayed' : 'miss', e.data === 'hit' ? 'cache' : 'model (streamed live)',
          ms(performance.now() - started), text);
      });
      source.onerror = function () { source.close(); };
      return;
    }
    fetch('/api/ask?via=' + via + '&q=' + encodeURIComponent(q)).then(function (r) {
      var h = r.headers;
      return r.json().then(function (body) {
        var detail = ms(parseFloat(h.get('X-LlmCache-Latency-Ms')));
        if (h.get('X-LlmCache-Age-Ms')) { detail += ' · entry age ' + h.get('X-LlmCache-Age-Ms') + ' ms'; }
        if (h.get('X-LlmCache-Similarity')) { detail += ' · similarity ' + h.get('X-LlmCache-Similarity'); }
        show(h.get('X-LlmCache-Outcome'), h.get('X-LlmCache-Tier'), detail, body.answer);
      });
    });
  }

  $('askForm').addEventListener('submit', ask);
  $('clear').addEventListener('click', function () {
    fetch('/api/cache/clear', { method: 'POST' }).then(function () {
      $('outcome').textContent = 'cache cleared';
      $('outcome').dataset.outcome = 'cleared';
      $('outcome').className = 'outcome';
    });
  });
  refresh();
  setInterval(refresh, 1000);
})();
