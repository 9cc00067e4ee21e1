#!/usr/bin/env python3
"""Writes county_shapes.fods: one department workbook in the shapes county
departments really make (two tables in a sheet, a hidden old-version sheet, a
name merged down over its year rows, a unit note above the second table, a
rate typed as a fraction, a formula shown with two decimals, a sheet with no
recognisable header, an empty sheet). make.sh converts it with LibreOffice
into jobs/testdata/shapes/教育局报表.xlsx; jobs/shapes_test.go says what sheaf
must read from it."""
import sys
from xml.sax.saxutils import escape

def s(text, style=None, span=None):
    a = f' table:style-name="{style}"' if style else ''
    if span:
        a += f' table:number-columns-spanned="{span[0]}" table:number-rows-spanned="{span[1]}"'
    return f'<table:table-cell{a} office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'

def n(v, shown=None, style=None, formula=None):
    a = f' table:style-name="{style}"' if style else ''
    if formula:
        a += f' table:formula="{escape(formula)}"'
    return f'<table:table-cell{a} office:value-type="float" office:value="{v}"><text:p>{shown if shown is not None else v}</text:p></table:table-cell>'

E = '<table:table-cell/>'
C = '<table:covered-table-cell/>'

def row(*cells, hidden=False):
    a = ' table:visibility="collapse"' if hidden else ''
    return f'<table:table-row{a}>' + ''.join(cells) + '</table:table-row>'

def table(name, rows, style=None):
    a = f' table:style-name="{style}"' if style else ''
    cols = '<table:table-column table:style-name="coWide"/><table:table-column table:number-columns-repeated="3" table:style-name="coNarrow"/>'
    return f'<table:table table:name="{name}"{a}>' + cols + ''.join(rows) + '</table:table>'

basic = table('基本情况', [
    row(s('2024年教育事业统计表', 'ceTitle', (3, 1)), C, C),                  # 1
    row(s('填报单位：市教育局')),                                               # 2
    row(s('指标名称', 'ceHead'), s('数值', 'ceHead'), s('备注', 'ceHead')),    # 3
    row(s('学校总数'), n(44)),                                                  # 4
    row(s('其中：公办园'), n(20)),                                              # 5
    row(s('\u3000\u3000民办园'), n(12), hidden=True),                           # 6 hidden row
    row(s('巩固率'), n(0.9675)),                                                # 7 a fraction typed for 96.75%
    row(s('教师学历达标率'), n(48.2857142857143, '48.29', 'ceFix2', 'of:=1352/2800*100')),  # 8
    row(),                                                                      # 9
    row(s('表二：历年教育经费和学生数')),                                       # 10
    row(s('单位：万元')),                                                       # 11
    row(s('指标名称', 'ceHead'), s('年度', 'ceHead'), s('数值', 'ceHead')),    # 12
    row(s('教育支出'), n(2023), n(65000)),                                      # 13
    row(s('教育支出'), n(2024), n(70001)),                                      # 14
    row(s('在校生数', None, (1, 2)), n(2023), n(36000)),                        # 15
    row(C, n(2024), n(36614)),                                                  # 16
    row(s('生均教育经费'), n(2024), n(17500)),                                  # 17
])
old = table('旧版勿用', [
    row(s('指标名称'), s('数值')),
    row(s('学校总数'), n(40)),
    row(s('体检学生数'), n(5000)),
], style='taHidden')
history = table('历年支出', [
    row(s('科目'), s('上年数'), s('本年数')),
    row(s('教育费附加'), n(1200), n(1300)),
    row(s('地方教育附加'), n(800), n(860)),
])
empty = table('Sheet3', [row()])

doc = f'''<?xml version="1.0" encoding="UTF-8"?>
<!-- Source of jobs/testdata/shapes/教育局报表.xlsx (written by testdata-src/shapes/make.py; converted by make.sh). -->
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:automatic-styles>
  <number:number-style style:name="Nfix2"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1"/></number:number-style>
  <style:style style:name="coNarrow" style:family="table-column"><style:table-column-properties style:column-width="2.6cm"/></style:style>
  <style:style style:name="coWide" style:family="table-column"><style:table-column-properties style:column-width="6cm"/></style:style>
  <style:style style:name="taHidden" style:family="table"><style:table-properties table:display="false"/></style:style>
  <style:style style:name="ceTitle" style:family="table-cell"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="ceHead" style:family="table-cell"><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="ceFix2" style:family="table-cell" style:data-style-name="Nfix2"/>
 </office:automatic-styles>
 <office:body>
  <office:spreadsheet>
   {basic}
   {old}
   {history}
   {empty}
  </office:spreadsheet>
 </office:body>
</office:document>
'''
sys.stdout.write(doc)
