// A tiny line chart on a canvas, so the page needs no chart library and no build step.
// lineChart(canvas, [{values: [..], color: '#hex', max: n}], labels): each series is scaled to its own max.
window.lineChart = function (canvas, series, labels) {
  var ratio = window.devicePixelRatio || 1;
  var width = canvas.clientWidth || canvas.width, height = canvas.clientHeight || canvas.height;
  canvas.width = width * ratio; canvas.height = height * ratio;
  var g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  var left = 8, right = 8, top = 10, bottom = 20;
  var w = width - left - right, h = height - top - bottom;
  g.strokeStyle = '#e3e8eb'; g.lineWidth = 1;
  for (var i = 0; i <= 4; i++) {
    var y = top + h * i / 4;
    g.beginPath(); g.moveTo(left, y); g.lineTo(left + w, y); g.stroke();
  }
  g.fillStyle = '#6b7b85'; g.font = '11px system-ui, sans-serif';
  if (labels && labels.length) {
    g.fillText(labels[0], left, height - 5);
    var last = labels[labels.length - 1];
    g.fillText(last, left + w - g.measureText(last).width, height - 5);
  }
  series.forEach(function (s) {
    var n = s.values.length;
    if (n === 0) { return; }
    var max = s.max || Math.max.apply(null, s.values.concat([1]));
    g.strokeStyle = s.color; g.lineWidth = 2; g.beginPath();
    s.values.forEach(function (v, k) {
      var x = left + (n === 1 ? w : w * k / (n - 1));
      var y = top + h - h * Math.min(v / max, 1);
      if (k === 0) { g.moveTo(x, y); } else { g.lineTo(x, y); }
    });
    g.stroke();
  });
};
