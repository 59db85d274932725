// Phong Thổ's 2018 return as a district's own program writes it with Apache
// POI's HSSF (NPOI, its .NET port, writes the same records): the figures as
// numbers, and a few as formulas. Run by tests/data/office/make-files.
//   java MakePoiReturns CSV OUTDIR
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.poi.hssf.usermodel.*;
import org.apache.poi.ss.usermodel.*;

public class MakePoiReturns {
  interface Change { void apply(HSSFWorkbook wb, HSSFSheet ws); }

  public static void main(String[] args) throws Exception {
    List<String> lines = Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8);
    List<String[]> rows = new ArrayList<>();
    for (String l : lines) rows.add(l.replace("\uFEFF", "").split(";", -1));
    // poi.xls: K3 (Dào San's members, =100+62) and T3 (converted, =2+3)
    // written and not calculated, as POI leaves a new formula (0); L3
    // (=10+2) and O3 (=1-1) calculated by POI's evaluator (12, and a
    // computed 0); a note's formula beside the table.
    write(rows, args[1] + "/poi.xls", false, (wb, ws) -> {});
    // poi-sheet-recalc.xls: the same with texts as formulas (below), the
    // sheet marked to be calculated when opened
    // (HSSFSheet.setForceFormulaRecalculation: an UNCALCED record).
    // A second sheet, of notes, is not so marked: its formula (=2+2) is
    // calculated.
    write(rows, args[1] + "/poi-sheet-recalc.xls", true, (wb, ws) -> {
      ws.setForceFormulaRecalculation(true);
      HSSFRow row = wb.createSheet("Ghi chú").createRow(0);
      row.createCell(0).setCellValue("Tổng");
      HSSFCell sum = row.createCell(1);
      sum.setCellFormula("2+2");
      wb.getCreationHelper().createFormulaEvaluator().evaluateFormulaCell(sum);
    });
    // poi-book-recalc.xls: the workbook marked so (a RECALCID of engine 0).
    write(rows, args[1] + "/poi-book-recalc.xls", true, (wb, ws) -> wb.setForceFormulaRecalculation(true));
    unseen(rows, args[1] + "/unseen-poi.xls");
  }

  // unseen-poi.xls: the return without formulas, its colours as POI writes
  // them by palette index: white text on no fill (M3) and on a fill of the
  // window's background (N8, index 65): unseen; automatic text (M4, the
  // font's default 0x7FFF) and the window's text colour (M5, index 64) on
  // that fill: drawn to contrast with it, seen.
  static void unseen(List<String[]> rows, String path) throws Exception {
    try (HSSFWorkbook wb = new HSSFWorkbook()) {
      HSSFSheet ws = sheet(wb, rows);
      style(wb, ws, "M3", (short) 9, (short) -1);
      style(wb, ws, "N8", (short) 9, (short) 65);
      style(wb, ws, "M4", (short) 0x7FFF, (short) 65);
      style(wb, ws, "M5", (short) 64, (short) 65);
      try (OutputStream out = new FileOutputStream(path)) { wb.write(out); }
    }
  }

  // The return's sheet, its figures as numbers.
  static HSSFSheet sheet(HSSFWorkbook wb, List<String[]> rows) {
    HSSFSheet ws = wb.createSheet("Biểu 01");
    for (int r = 0; r < rows.size(); ++r) {
      HSSFRow row = ws.createRow(r);
      String[] v = rows.get(r);
      for (int c = 0; c < v.length; ++c) {
        HSSFCell cell = row.createCell(c);
        if (r > 0 && !v[c].isEmpty() && v[c].chars().allMatch(Character::isDigit)) cell.setCellValue(Double.parseDouble(v[c]));
        else cell.setCellValue(v[c]);
      }
    }
    return ws;
  }

  // The cell at `ref` in a font of palette index `ink`, on a solid fill of
  // index `paper` (none when -1).
  static void style(HSSFWorkbook wb, HSSFSheet ws, String ref, short ink, short paper) {
    org.apache.poi.ss.util.CellReference at = new org.apache.poi.ss.util.CellReference(ref);
    HSSFCell cell = ws.getRow(at.getRow()).getCell(at.getCol());
    HSSFFont font = wb.createFont();
    font.setColor(ink);
    HSSFCellStyle st = wb.createCellStyle();
    st.setFont(font);
    if (paper >= 0) {
      st.setFillForegroundColor(paper);
      st.setFillPattern(FillPatternType.SOLID_FOREGROUND);
    }
    cell.setCellStyle(st);
  }

  static void write(List<String[]> rows, String path, boolean texts, Change change) throws Exception {
    try (HSSFWorkbook wb = new HSSFWorkbook()) {
      HSSFSheet ws = sheet(wb, rows);
      int notes = rows.get(0).length;
      ws.getRow(0).createCell(notes).setCellValue("Ghi chú");
      ws.getRow(2).createCell(notes).setCellFormula("1+1");  // no field reads it
      ws.getRow(2).getCell(10).setCellFormula("100+62");     // K3: not calculated
      ws.getRow(2).getCell(19).setCellFormula("2+3");        // T3 (converted): not calculated, no rule to catch it
      HSSFFormulaEvaluator eval = wb.getCreationHelper().createFormulaEvaluator();
      HSSFCell l3 = ws.getRow(2).getCell(11);
      l3.setCellFormula("10+2");
      eval.evaluateFormulaCell(l3);                           // L3: 12
      HSSFCell o3 = ws.getRow(2).getCell(14);
      o3.setCellFormula("1-1");
      eval.evaluateFormulaCell(o3);                           // O3: 0, computed
      if (texts) {
        // Texts as formulas, calculated: M1, the header (="Dang vien nu"),
        // and K4, a figure written as a text (="214"). (LibreOffice 7.4,
        // saving such a workbook as .xls, writes 0 for both: poi.xls has none.)
        HSSFCell m1 = ws.getRow(0).getCell(12);
        m1.setCellFormula("\"Dang vien nu\"");
        eval.evaluateFormulaCell(m1);
        HSSFCell k4 = ws.getRow(3).getCell(10);
        k4.setCellFormula("\"214\"");
        eval.evaluateFormulaCell(k4);
        // AK3: a date beside the table, calculated (=DATE(2018,12,31)).
        HSSFCell ak3 = ws.getRow(2).createCell(notes + 1);
        HSSFCellStyle date = wb.createCellStyle();
        date.setDataFormat(wb.createDataFormat().getFormat("dd/mm/yyyy"));
        ak3.setCellStyle(date);
        ak3.setCellFormula("DATE(2018,12,31)");
        eval.evaluateFormulaCell(ak3);
        // AK4: an empty text, calculated (=""), as xlwt gives every formula.
        HSSFCell ak4 = ws.getRow(3).createCell(notes + 1);
        ak4.setCellFormula("\"\"");
        eval.evaluateFormulaCell(ak4);
      }
      change.apply(wb, ws);
      try (OutputStream out = new FileOutputStream(path)) { wb.write(out); }
    }
  }
}
