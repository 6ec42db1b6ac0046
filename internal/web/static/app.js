// dangjian pages work without this file; it adds charts and loads tree nodes on demand.
(function () {
  'use strict';

  // grouped writes a count with thousands separators.
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }

  function drawCharts() {
    var holder = document.getElementById('chart-data');
    if (!holder || !window.echarts) { return; }
    var data = JSON.parse(holder.textContent);
    document.querySelectorAll('[data-chart]').forEach(function (el) {
      var series = (data[el.getAttribute('data-series')] || []).slice();
      // The pipeline leaves 正式党员 out: on one scale they would flatten the stages before them.
      var skip = el.getAttribute('data-skip');
      if (skip) { series = series.filter(function (c) { return c.label !== skip; }); }
      var nonzero = series.filter(function (c) { return c.n > 0; });
      // One bar or slice says nothing a table does not: the table stays.
      if (nonzero.length < 2) { return; }
      var total = series.reduce(function (sum, c) { return sum + c.n; }, 0);
      var pct = function (n) { return total ? (n * 100 / total).toFixed(1) + '%' : ''; };
      if (el.getAttribute('data-order') === 'value') { series.sort(function (a, b) { return b.n - a.n; }); }
      var chart = window.echarts.init(el, null, { renderer: 'svg' });
      var option;
      if (el.getAttribute('data-chart') === 'pie') {
        // The five largest slices, the rest together as 其他.
        var slices = nonzero.sort(function (a, b) { return b.n - a.n; }).map(function (c) { return { name: c.label, value: c.n }; });
        if (slices.length > 6) {
          var rest = slices.slice(5).reduce(function (sum, c) { return sum + c.value; }, 0);
          slices = slices.slice(0, 5).concat([{ name: '其他', value: rest }]);
        }
        // Slices under 5% are named in the legend only: their labels would pile up.
        var sum = slices.reduce(function (acc, c) { return acc + c.value; }, 0);
        slices.forEach(function (c) {
          var big = c.value * 100 >= sum * 5;
          c.label = { show: big };
          c.labelLine = { show: big };
        });
        option = {
          legend: { bottom: 0, type: 'scroll', itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 },
            formatter: function (name) { var c = slices.filter(function (x) { return x.name === name; })[0]; return name + ' ' + grouped(c.value); } },
          tooltip: { trigger: 'item', formatter: function (p) { return p.name + ' ' + grouped(p.value) + '(' + p.percent + '%)'; } },
          series: [{ type: 'pie', radius: ['20%', '40%'], center: ['50%', '45%'], avoidLabelOverlap: true,
            label: { formatter: function (p) { return p.name + '\n' + grouped(p.value) + '\n' + p.percent.toFixed(1) + '%'; }, lineHeight: 14 },
            labelLayout: { hideOverlap: false, moveOverlap: 'shiftY' },
            labelLine: { length: 6, length2: 6 }, data: slices }]
        };
      } else {
        // Horizontal bars: every label reads in full, however long.
        var rev = series.slice().reverse();
        option = {
          tooltip: { trigger: 'axis', formatter: function (ps) { var p = ps[0]; return p.name + ' ' + grouped(p.value) + '(' + pct(p.value) + ')'; } },
          grid: { left: 8, right: 90, top: 8, bottom: 8, containLabel: true },
          yAxis: { type: 'category', data: rev.map(function (c) { return c.label; }), axisLabel: { interval: 0 } },
          // Each bar carries its count: the axis needs no numbers of its own to crowd.
          xAxis: { type: 'value', minInterval: 1, axisLabel: { show: false } },
          series: [{ type: 'bar', data: rev.map(function (c) { return c.n; }), itemStyle: { color: '#b4121b' },
            label: { show: true, position: 'right', formatter: function (p) { return grouped(p.value) + '(' + pct(p.value) + ')'; } } }]
        };
      }
      chart.setOption(option);
      window.addEventListener('resize', function () { chart.resize(); });
      addDownload(el, chart);
    });
  }

  // chartPNG draws a chart's picture (SVG) on a canvas at twice its size on
  // white, and gives it as a PNG data URL to done.
  function chartPNG(chart, done) {
    var svg = chart.getDataURL({ type: 'svg' });
    var img = new Image();
    img.onload = function () {
      var canvas = document.createElement('canvas');
      canvas.width = img.width * 2;
      canvas.height = img.height * 2;
      var ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      done(canvas.toDataURL('image/png'));
    };
    img.src = svg;
  }
  window.dangjianChartPNG = function (i, done) {
    var el = document.querySelectorAll('[data-chart]')[i];
    chartPNG(window.echarts.getInstanceByDom(el), done);
  };

  // Each chart gets a link that downloads it as a PNG picture, named by its heading.
  function addDownload(el, chart) {
    var a = document.createElement('a');
    a.href = '#';
    a.className = 'chart-png no-print';
    a.textContent = '下载图片';
    var title = (el.parentNode.querySelector('h2') || {}).textContent || '图表';
    a.addEventListener('click', function (ev) {
      ev.preventDefault();
      chartPNG(chart, function (url) {
        var save = document.createElement('a');
        save.href = url;
        save.download = title.trim() + '.png';
        document.body.appendChild(save);
        save.click();
        save.remove();
      });
    });
    el.parentNode.insertBefore(a, el.nextSibling);
  }

  function loadChildren(details) {
    if (details.getAttribute('data-loaded')) { return; }
    details.setAttribute('data-loaded', '1');
    var list = details.querySelector('ul');
    fetch(details.getAttribute('data-children'), { credentials: 'same-origin' })
      .then(function (res) { if (!res.ok) { throw new Error(res.status); } return res.text(); })
      .then(function (html) { list.innerHTML = html; })
      .catch(function () { list.innerHTML = '<li class="error">载入失败,请点击名称打开该党组织页面</li>'; details.removeAttribute('data-loaded'); });
  }

  document.addEventListener('toggle', function (ev) {
    var el = ev.target;
    if (el.tagName === 'DETAILS' && el.open && el.hasAttribute('data-children')) { loadChildren(el); }
  }, true);

  // A copy button puts the text it names on the clipboard and says so.
  document.addEventListener('click', function (ev) {
    var btn = ev.target.closest && ev.target.closest('[data-copy]');
    if (!btn) { return; }
    var text = document.querySelector(btn.getAttribute('data-copy')).textContent.trim();
    var said = function () { btn.textContent = '已复制'; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(said, function () { btn.textContent = '请长按回执码复制'; });
    } else {
      var range = document.createRange();
      range.selectNodeContents(document.querySelector(btn.getAttribute('data-copy')));
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      btn.textContent = document.execCommand('copy') ? '已复制' : '请长按回执码复制';
    }
  });

  // A form that deletes asks first; so does a button that asks by itself.
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    var by = ev.submitter;
    var ask = (by && by.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (ask && !window.confirm(ask)) { ev.preventDefault(); }
  }, true);

  // An organisation picker offers the matches of what is typed, each with
  // its parents; choosing one fills the hidden field the form sends.
  function picker(box) {
    var text = box.querySelector('input:not([type=hidden]):not([type=radio])');
    var hidden = box.querySelector('input[type=hidden]');
    var list = box.querySelector('.picks');
    var timer = null;
    var asked = '';
    // Inside a paragraph the list is a span (a list would end the paragraph).
    var item = list.tagName === 'UL' ? 'li' : 'span';
    function show(items) {
      list.innerHTML = '';
      if (!items.length) {
        var none = document.createElement(item);
        none.className = 'hint';
        none.textContent = '没有找到,请换个写法(名称中的字、拼音首字母或组织代码)';
        list.appendChild(none);
      }
      items.forEach(function (it) {
        var li = document.createElement(item);
        li.className = 'pick-item';
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'pick';
        b.setAttribute('role', 'option');
        b.textContent = it.name + ' ';
        var small = document.createElement('small');
        small.textContent = [it.type, it.code, it.path].filter(Boolean).join(' · ');
        b.appendChild(small);
        b.addEventListener('click', function () {
          hidden.value = it.id;
          text.value = it.name;
          list.innerHTML = '';
          text.focus();
        });
        li.appendChild(b);
        list.appendChild(li);
      });
    }
    text.addEventListener('input', function () {
      hidden.value = '';
      box.querySelectorAll('input[type=radio]').forEach(function (r) { r.checked = false; });
      clearTimeout(timer);
      var q = text.value.trim();
      if (!q) { list.innerHTML = ''; return; }
      timer = setTimeout(function () {
        asked = q;
        fetch(box.getAttribute('data-pick') + '&q=' + encodeURIComponent(q), { credentials: 'same-origin' })
          .then(function (res) { if (!res.ok) { throw new Error(res.status); } return res.json(); })
          .then(function (items) { if (asked === q) { show(items || []); } })
          .catch(function () { list.innerHTML = ''; });
      }, 200);
    });
  }

  // A picker of several: choosing a match adds a chip (a ticked box with
  // the field's name and the id, and a remove button); the text box is
  // cleared for the next one.
  function pickerMany(box) {
    var text = box.querySelector('input:not([type=checkbox])');
    var chips = box.querySelector('.chips');
    var list = box.querySelector('.picks');
    var field = box.getAttribute('data-field');
    var url = box.getAttribute('data-pick-many');
    var timer = null;
    var asked = '';
    function removable(li) {
      if (li.querySelector('button.chip-x')) { return; }
      li.classList.add('removable');
      var x = document.createElement('button');
      x.type = 'button';
      x.className = 'chip-x';
      x.textContent = '×';
      x.setAttribute('aria-label', '移除' + li.textContent.trim());
      x.addEventListener('click', function () { li.remove(); text.focus(); });
      li.appendChild(x);
    }
    function chosen(id) {
      return Array.prototype.some.call(chips.querySelectorAll('input'), function (c) { return c.value === String(id) && c.checked; });
    }
    function add(it) {
      if (!chosen(it.id)) {
        var li = document.createElement('li');
        li.className = 'chip';
        var label = document.createElement('label');
        var c = document.createElement('input');
        c.type = 'checkbox';
        c.name = field;
        c.value = it.id;
        c.checked = true;
        var span = document.createElement('span');
        span.textContent = it.name;
        label.appendChild(c);
        label.appendChild(document.createTextNode(' '));
        label.appendChild(span);
        li.appendChild(label);
        removable(li);
        chips.appendChild(li);
      }
      text.value = '';
      list.innerHTML = '';
      text.focus();
    }
    function show(items) {
      list.innerHTML = '';
      if (!items.length) {
        var none = document.createElement('li');
        none.className = 'hint';
        none.textContent = '没有找到,请换个写法(名称中的字或拼音首字母)';
        list.appendChild(none);
      }
      items.forEach(function (it) {
        var li = document.createElement('li');
        li.className = 'pick-item';
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'pick';
        b.setAttribute('role', 'option');
        b.textContent = it.name + ' ';
        if (chosen(it.id)) { b.textContent = it.name + '(已选) '; b.disabled = true; }
        var small = document.createElement('small');
        small.textContent = [it.type, it.path].filter(Boolean).join(' · ');
        b.appendChild(small);
        b.addEventListener('click', function () { add(it); });
        li.appendChild(b);
        list.appendChild(li);
      });
    }
    chips.querySelectorAll('li.chip').forEach(removable);
    text.addEventListener('input', function () {
      clearTimeout(timer);
      var q = text.value.trim();
      if (!q || /[、,,;;]/.test(q)) { list.innerHTML = ''; return; }
      timer = setTimeout(function () {
        asked = q;
        fetch(url + (url.indexOf('?') < 0 ? '?' : '&') + 'q=' + encodeURIComponent(q), { credentials: 'same-origin' })
          .then(function (res) { if (!res.ok) { throw new Error(res.status); } return res.json(); })
          .then(function (items) { if (asked === q) { show(items || []); } })
          .catch(function () { list.innerHTML = ''; });
      }, 200);
    });
  }

  // An attendance list: each member 参加, 请假, 缺席 or not recorded; the
  // counts follow, a filter narrows the list, and those not yet marked
  // can all be marked present at once.
  function attendance(box) {
    var counts = box.querySelectorAll('[data-count]');
    function count() {
      counts.forEach(function (b) {
        b.textContent = box.querySelectorAll('input[type=radio][value=' + b.getAttribute('data-count') + ']:checked').length;
      });
    }
    box.addEventListener('change', count);
    box.querySelectorAll('[data-js]').forEach(function (el) { el.hidden = false; });
    var filter = box.querySelector('[data-att-filter]');
    if (filter) {
      filter.addEventListener('input', function () {
        var q = filter.value.trim();
        box.querySelectorAll('li[data-name]').forEach(function (li) { li.hidden = q !== '' && li.getAttribute('data-name').indexOf(q) < 0; });
      });
    }
    var all = box.querySelector('[data-att-all]');
    if (all) {
      all.addEventListener('click', function () {
        box.querySelectorAll('li[data-name]').forEach(function (li) {
          var none = li.querySelector('input[type=radio][value=""]');
          if (!li.hidden && none && none.checked) { li.querySelector('input[type=radio][value=present]').checked = true; }
        });
        count();
      });
    }
    count();
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-pick]').forEach(picker);
    document.querySelectorAll('[data-pick-many]').forEach(pickerMany);
    document.querySelectorAll('[data-attendance]').forEach(attendance);
    // Filters folded on a phone (the record's form comes first) stand open on a wider screen.
    if (window.matchMedia('(min-width: 641px)').matches) {
      document.querySelectorAll('details[data-wide-open]').forEach(function (d) { d.open = true; });
    }
    // 全选本页 ticks every person of the page for the batch form.
    document.querySelectorAll('[data-select]').forEach(function (all) {
      all.addEventListener('change', function () {
        document.querySelectorAll('input[type=checkbox][name=' + all.getAttribute('data-select') + ']').forEach(function (c) { c.checked = all.checked; });
      });
    });
    // A choice that fills a field (the meeting a 简报 reports: its title):
    // the field takes the chosen option's data-fill while it is empty or
    // still holds what the last choice put there.
    document.querySelectorAll('select[data-fills]').forEach(function (sel) {
      var field = document.getElementById(sel.getAttribute('data-fills'));
      if (!field) { return; }
      var last = field.value;
      sel.addEventListener('change', function () {
        var opt = sel.options[sel.selectedIndex];
        if (field.value.trim() === '' || field.value === last) {
          field.value = last = (opt && opt.getAttribute('data-fill')) || '';
        }
      });
    });
    document.querySelectorAll('[data-print]').forEach(function (b) { b.addEventListener('click', function () { window.print(); }); });
    if (document.getElementById('chart-data')) {
      var s = document.createElement('script');
      s.src = '/static/vendor/echarts.min.js';
      s.onload = drawCharts;
      document.head.appendChild(s);
    }
  });
}());
